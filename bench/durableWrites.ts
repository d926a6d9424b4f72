import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { emulatorSession, median } from './support/load';
import { startAndReadLine, stop } from './support/processes';

const ROOT = resolve(__dirname, '../..');
const WRITES = 150;

/** Milliseconds of each of `count` sequential writes (a collector created, then deleted), one request at a time. */
async function writeLatencies(endpoints: { iamEndpoint: string; vpcEndpoint: string; controlEndpoint: string; apiKey: string }, count: number): Promise<number[]> {
  const { auth, subnetId } = await emulatorSession(endpoints);
  const q = 'version=2025-12-16&generation=2';
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const created = await fetch(`${endpoints.vpcEndpoint}/v1/flow_log_collectors?${q}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ target: { id: subnetId }, storage_bucket: { name: 'bucket-c' } }),
    });
    const { id } = (await created.json()) as { id: string };
    times.push(performance.now() - started);
    const t2 = performance.now();
    await (await fetch(`${endpoints.vpcEndpoint}/v1/flow_log_collectors/${id}?${q}`, { method: 'DELETE', headers: auth })).text();
    times.push(performance.now() - t2);
  }
  return times;
}

const figures = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return `min ${sorted[0].toFixed(2)} / median ${median(sorted).toFixed(2)} / max ${sorted[sorted.length - 1].toFixed(2)} ms`;
};

/**
 * What durability costs: a write answered only once the state file is written and flushed (--state DIR), next to
 * the same writes on an emulator that keeps its state in memory; both processes side by side, same requests.
 */
export async function durableWrites(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ibmflowlogs-bench-state-'));
  const args = ['provider/bin/ibm-flowlogs', 'emulator', '--pending-seconds', '0', '--deleting-seconds', '0'];
  const durable = await startAndReadLine(process.execPath, [...args, '--state', dir], ROOT);
  const memory = await startAndReadLine(process.execPath, args, ROOT);
  try {
    await writeLatencies(JSON.parse(durable.line), 20); // warm-up
    await writeLatencies(JSON.parse(memory.line), 20);
    const d = await writeLatencies(JSON.parse(durable.line), WRITES);
    const m = await writeLatencies(JSON.parse(memory.line), WRITES);
    return [
      `--state ${dir}, each write fsynced before its answer: ${figures(d)} per write (${d.length} writes: create, delete)`,
      `in memory, same writes:                 ${figures(m)}`,
      `ratio of medians durable / memory: ${(median(d) / median(m)).toFixed(2)}`,
    ];
  } finally {
    await stop(durable.child);
    await stop(memory.child);
    rmSync(dir, { recursive: true, force: true });
  }
}
