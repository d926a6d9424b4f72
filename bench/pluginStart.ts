import { resolve } from 'node:path';
import { median } from './support/load';
import { startAndReadLine, stop } from './support/processes';

const ROOT = resolve(__dirname, '../..');
const RUNS = 15;

async function timeToPort(script: string): Promise<number> {
  const started = process.hrtime.bigint();
  const { child, line } = await startAndReadLine(process.execPath, [script], ROOT);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (!/^\d+$/.test(line.trim())) throw new Error(`${script} printed "${line}" instead of a port`);
  await stop(child);
  return ms;
}

/** Plugin start to port printed: the native plugin next to a minimal `pulumi.provider.main` plugin, interleaved. */
export async function pluginStart(): Promise<string[]> {
  const ours: number[] = [];
  const sdk: number[] = [];
  const plugin = resolve(ROOT, 'provider/bin/pulumi-resource-ibmflowlogs');
  const minimal = resolve(__dirname, 'support/minimalPlugin.js');
  await timeToPort(plugin); // warm the file cache for both
  await timeToPort(minimal);
  for (let i = 0; i < RUNS; i++) {
    ours.push(await timeToPort(plugin));
    sdk.push(await timeToPort(minimal));
  }
  const a = median(ours);
  const b = median(sdk);
  return [
    `pulumi-resource-ibmflowlogs: median ${a.toFixed(0)} ms from spawn to port (${RUNS} runs; min ${Math.min(...ours).toFixed(0)}, max ${Math.max(...ours).toFixed(0)})`,
    `minimal pulumi.provider.main plugin: median ${b.toFixed(0)} ms (min ${Math.min(...sdk).toFixed(0)}, max ${Math.max(...sdk).toFixed(0)})`,
    `ratio: ${(b / a).toFixed(1)}× faster; goals ≤ 250 ms: ${a <= 250 ? 'met' : 'NOT met'}, ≥ 3×: ${b / a >= 3 ? 'met' : 'NOT met'}`,
  ];
}
