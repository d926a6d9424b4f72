import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { dist } from '../scripts/release/dist';
import { PACKAGE_NAME, PLUGIN_EXECUTABLE, pluginTarballName, type Platform } from '../scripts/release/identity';
import { installPluginAsEngine, tempDir } from '../test/support/release';
import { median } from './support/load';
import { startAndReadLine, stop } from './support/processes';

const ROOT = resolve(__dirname, '../..');
const RUNS = 20;

const stats = (xs: number[]) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;

/** Runs `a` and `b` RUNS times each, interleaved (after one warm-up each), and returns their results. */
async function sideBySide<T>(a: () => Promise<T>, b: () => Promise<T>): Promise<[T[], T[]]> {
  await a();
  await b();
  const as: T[] = [];
  const bs: T[] = [];
  for (let i = 0; i < RUNS; i++) {
    as.push(await a());
    bs.push(await b());
  }
  return [as, bs];
}

/** Spawn to exit of a command. */
function timeToExit(command: string, args: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((res, rej) => {
    execFile(command, args, { cwd: ROOT }, (error) => (error ? rej(error) : res(Number(process.hrtime.bigint() - started) / 1e6)));
  });
}

/**
 * CPU time a process has used so far, all its threads (Linux: /proc/<pid>/task/<tid>/schedstat, in ns): steadier
 * than wall time on a shared machine. NaN elsewhere.
 */
function cpuMsOf(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/task`).reduce((sum, tid) => sum + Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]), 0) / 1e6;
  } catch {
    return NaN;
  }
}

/** Spawn to port printed (wall and the plugin's CPU), the plugin executed directly as the engine executes it. */
async function timeToPort(executable: string): Promise<{ wall: number; cpu: number }> {
  const started = process.hrtime.bigint();
  const { child, line } = await startAndReadLine(executable, [], ROOT);
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = cpuMsOf(child.pid!);
  if (!/^\d+$/.test(line.trim())) throw new Error(`${executable} printed "${line}" instead of a port`);
  await stop(child);
  return { wall, cpu };
}

/** `ibm-flowlogs --help` next to `node -e 0` (goal ≤ 2×): the commands' modules load only when they run. */
export async function cliStart(): Promise<string[]> {
  const cli = resolve(ROOT, 'provider/bin/ibm-flowlogs');
  const [help, bare] = await sideBySide(() => timeToExit(process.execPath, [cli, '--help']), () => timeToExit(process.execPath, ['-e', '0']));
  const ratio = median(help) / median(bare);
  return [
    `ibm-flowlogs --help: ${stats(help)}, spawn to exit, ${RUNS} runs interleaved`,
    `node -e 0:           ${stats(bare)}`,
    `ratio of medians: ${ratio.toFixed(2)}× (goal ≤ 2×: ${ratio <= 2 ? 'met' : 'NOT met'})`,
  ];
}

/**
 * The plugin as a user gets it (the linux release tarball, built now and unpacked into a temporary PULUMI_HOME as
 * `pulumi plugin install --file` does) next to the checkout's provider/bin shim; both executed directly, as the engine
 * executes a plugin (goal: the release no slower).
 */
export async function releasePluginStart(): Promise<string[]> {
  const platform: Platform = { os: 'linux', arch: process.arch === 'arm64' ? 'arm64' : 'amd64' };
  const out = tempDir('ibmflowlogs-bench-release-');
  const { id } = await dist({ root: ROOT, out, platforms: [platform], npm: false });
  const dir = await installPluginAsEngine(tempDir('ibmflowlogs-bench-home-'), PACKAGE_NAME, id.version, resolve(out, pluginTarballName(id.version, platform)));
  const [unpacked, checkout] = await sideBySide(() => timeToPort(resolve(dir, PLUGIN_EXECUTABLE)), () => timeToPort(resolve(ROOT, 'provider/bin', PLUGIN_EXECUTABLE)));
  const wall = median(unpacked.map((r) => r.wall)) / median(checkout.map((r) => r.wall));
  const cpu = median(unpacked.map((r) => r.cpu)) / median(checkout.map((r) => r.cpu));
  const line = (runs: Array<{ wall: number; cpu: number }>) => `wall ${stats(runs.map((r) => r.wall))}; CPU ${stats(runs.map((r) => r.cpu))}`;
  return [
    `unpacked release tarball: ${line(unpacked)}; spawn to port, ${RUNS} runs interleaved`,
    `checkout (provider/bin):  ${line(checkout)}`,
    `ratio of medians, release ÷ checkout (goal ≤ 1×, no slower): wall ${wall.toFixed(2)}× ${wall <= 1 ? 'met' : 'NOT met'}; CPU ${cpu.toFixed(2)}× ${cpu <= 1 ? 'met' : 'NOT met'} (CPU is the steadier figure on a shared machine)`,
  ];
}
