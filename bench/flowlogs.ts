import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createCosClient } from '../provider/src/flowlogs';
import { padBomb } from '../test/support/flowlogBombs';
import { documentOf, IFACE } from '../test/support/flowlogDocs';
import { flowLogDataSet, INTERFACES, type DataSet } from './support/flowlogData';
import type { Result } from './support/flowlogsChild';
import { cpuOf, startAndReadLine, stop } from './support/processes';

/**
 * Flow-log analysis, each run a process of its own (for a clean peak RSS), measured side by side in one run:
 * - the engines: the native analyzer and the DuckDB engine (objects decoded on worker threads, analyzed by the SQL)
 *   on the same local .gz files at 1× and 10× the input, on one core and on both, each giving the same report;
 * - COS (flowlogsCos, a benchmark of its own): the same objects from the emulator's COS (ibm-cos-sdk over keep-alive
 *   connections, at a few concurrencies, with GETs on the reader's thread or on fetch workers, and without keep-alive
 *   as before; the emulator's GETs by its fast path and by s3rver alone) and from a local directory, with the
 *   reader's and the emulator's CPU per object;
 * - hostile objects: `ibm-flowlogs logs` on a 255 KB object that inflates to 261 MB and a 62 KB one to 64 MB.
 * Every figure is min / median / max of RUNS runs.
 */

const ROOT = resolve(__dirname, '../..');
const SMALL = 2_000; // objects; about 360,000 records
const LARGE = 10 * SMALL;
const SEED = 20250601;
const RUNS = 3;
const CHILD = join(__dirname, 'support', 'flowlogsChild.js');

const n = (x: number) => Math.round(x).toLocaleString('en');
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(bytes >= 1e9 ? 0 : 1)} MB`;
const spread = (values: number[], f: (x: number) => string) => {
  const s = [...values].sort((a, b) => a - b);
  return `${f(s[0])} / ${f(s[Math.floor(s.length / 2)])} / ${f(s[s.length - 1])}`;
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const canPin = () => spawnSync('taskset', ['-c', '0', 'true']).status === 0;

function runChild(args: string[], cpus: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<Result> {
  const [command, argv] = cpus !== undefined ? ['taskset', ['-c', cpus, process.execPath, CHILD, ...args]] : [process.execPath, [CHILD, ...args]];
  return new Promise((res, reject) => {
    execFile(command, argv as string[], { maxBuffer: 16 * 1024 * 1024, env }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${args.join(' ')} failed: ${stderr || error.message}`));
      else res(JSON.parse(stdout.trim().split('\n').pop()!) as Result);
    });
  });
}

interface Case {
  label: string;
  args: string[];
  cpus?: string;
}

async function measure(cases: Case[], env?: NodeJS.ProcessEnv): Promise<Map<string, Result[]>> {
  const out = new Map<string, Result[]>(cases.map((c) => [c.label, []]));
  // Interleaved rounds: every case sees the same machine, as far as a shared machine allows.
  for (let k = 0; k < RUNS; k++) for (const c of cases) out.get(c.label)!.push(await runChild(c.args, c.cpus, env));
  return out;
}

async function engines(lines: string[], sets: DataSet[], pin: boolean): Promise<void> {
  const one = pin ? '0' : undefined;
  const both = pin ? '0,1' : undefined;
  const cases: Case[] = [];
  for (const [size, set] of sets.entries()) {
    const x = size === 0 ? '1×' : '10×';
    cases.push({ label: `native ${x} one core`, args: ['dir', 'native', '1', set.dir], cpus: one });
    cases.push({ label: `duckdb ${x} one core`, args: ['dir', 'duckdb', '1', set.dir], cpus: one });
    cases.push({ label: `native ${x} both cores`, args: ['dir', 'native', '1', set.dir], cpus: both });
    cases.push({ label: `duckdb ${x} both cores`, args: ['dir', 'duckdb', '2', set.dir], cpus: both });
  }
  const results = await measure(cases);
  lines.push(
    `engines (${pin ? 'one core: taskset -c 0, both cores: taskset -c 0,1' : 'taskset is missing: runs are NOT pinned'}; native: the streaming analyzer; ` +
      'duckdb: decode workers and DuckDB threads = the cores; records/s and peak RSS, min / median / max):',
  );
  const rate = (r: Result) => r.records / (r.ms / 1000);
  for (const c of cases) {
    const rs = results.get(c.label)!;
    lines.push(`  ${c.label.padEnd(22)} ${spread(rs.map(rate), n)} records/s; peak RSS ${spread(rs.map((r) => r.maxRssKb * 1024), mb)}`);
  }
  for (const [size, set] of sets.entries()) {
    const x = size === 0 ? '1×' : '10×';
    const all = cases.filter((c) => c.label.includes(` ${x} `)).flatMap((c) => results.get(c.label)!);
    const digests = new Set(all.map((r) => r.digest));
    const complete = all.every((r) => r.records === set.records && r.failed === 0);
    lines.push(`  ${x}: every run read all ${n(set.records)} records and gave the same report: ${complete && digests.size === 1 ? 'yes' : 'NO'}`);
  }
  const ratio = (x: string, cores: string) => median(results.get(`duckdb ${x} ${cores}`)!.map(rate)) / median(results.get(`native ${x} ${cores}`)!.map(rate));
  const rss = (engine: string, x: string) => median(results.get(`${engine} ${x} both cores`)!.map((r) => r.maxRssKb));
  lines.push(
    `  DuckDB ÷ native (median records/s): 1× one core ${ratio('1×', 'one core').toFixed(2)}, both ${ratio('1×', 'both cores').toFixed(2)}; ` +
      `10× one core ${ratio('10×', 'one core').toFixed(2)}, both ${ratio('10×', 'both cores').toFixed(2)} (goal ≥ 2 at 10× on both cores: ${ratio('10×', 'both cores') >= 2 ? 'met' : 'NOT met'})`,
  );
  lines.push(
    `  peak RSS at 10× ÷ at 1× (both cores): native ${(rss('native', '10×') / rss('native', '1×')).toFixed(2)}, DuckDB ${(rss('duckdb', '10×') / rss('duckdb', '1×')).toFixed(2)} ` +
      `(goal: flat, ≤ 1.5: ${rss('duckdb', '10×') / rss('duckdb', '1×') <= 1.5 ? 'met' : 'NOT met'})`,
  );
}

/** An emulator of the benchmark's own (cosEmulatorChild.ts) holding every object of `set` in bucket-c. */
async function cosWithObjects(set: DataSet, gets: 'direct' | 's3rver') {
  const emulator = await startAndReadLine(process.execPath, [join(__dirname, 'support', 'cosEmulatorChild.js'), gets], ROOT);
  const e = JSON.parse(emulator.line);
  const client = createCosClient({ endpoint: e.cosEndpoint, accessKeyId: e.cosAccessKeyId, secretAccessKey: e.cosSecretAccessKey });
  const keys = (readdirSync(set.dir, { recursive: true, withFileTypes: true }) as Array<{ isFile(): boolean; name: string; parentPath: string }>)
    .filter((f) => f.isFile())
    .map((f) => join(f.parentPath, f.name).slice(set.dir.length + 1));
  for (let i = 0; i < keys.length; i += 32) {
    await Promise.all(keys.slice(i, i + 32).map((k) => client.putObject({ Bucket: 'bucket-c', Key: k, Body: readFileSync(join(set.dir, k)) }).promise()));
  }
  return { child: emulator.child, endpoint: e.cosEndpoint as string, env: { ...process.env, AWS_ACCESS_KEY_ID: e.cosAccessKeyId, AWS_SECRET_ACCESS_KEY: e.cosSecretAccessKey } };
}

async function cos(lines: string[], set: DataSet): Promise<void> {
  // Two emulators with the same objects: GETs by the fast path in front of s3rver, and by s3rver alone, as before.
  const direct = await cosWithObjects(set, 'direct');
  const s3rver = await cosWithObjects(set, 's3rver');
  try {
    const reader = (emulator: typeof direct, concurrency: number, keepAlive = true, workers?: number): string[] => [
      ...['cos', 'native', '1', emulator.endpoint, 'bucket-c', String(concurrency), keepAlive ? 'keep-alive' : 'close'],
      ...(workers !== undefined ? [String(workers)] : []),
    ];
    const cases: Array<Case & { emulator?: typeof direct }> = [
      { label: 'local directory', args: ['dir', 'native', '1', set.dir] },
      { label: 'COS, s3rver alone, 32 at once', args: reader(s3rver, 32), emulator: s3rver },
      { label: 'COS, no keep-alive, 8 at once', args: reader(direct, 8, false, 0), emulator: direct },
      // The reader's default (DEFAULT_FETCH_WORKERS), then GETs on its own thread and on 1 and 2 worker threads.
      ...[1, 8, 16, 32].map((c) => ({ label: `COS, keep-alive, ${c} at once`, args: reader(direct, c), emulator: direct })),
      ...[0, 1, 2].map((w) => ({ label: `COS, 32 at once, ${w} fetch workers`, args: reader(direct, 32, true, w), emulator: direct })),
    ];
    // Interleaved rounds as measure() runs them, with each run's emulator CPU (the reader's own is in its Result).
    const results = new Map<string, Array<Result & { emulatorMs: number }>>(cases.map((c) => [c.label, []]));
    for (let k = 0; k < RUNS; k++) {
      for (const c of cases) {
        const before = c.emulator ? cpuOf(c.emulator.child.pid!) : 0;
        const r = await runChild(c.args, undefined, c.emulator?.env);
        results.get(c.label)!.push({ ...r, emulatorMs: c.emulator ? cpuOf(c.emulator.child.pid!) - before : 0 });
      }
    }
    lines.push(
      `COS vs a local directory: the same ${n(set.objects)} objects, native engine, objects/s; the reader's and the emulator's CPU per object ` +
        '(one listing and one GET per object; min / median / max), TCP connections opened:',
    );
    const rate = (r: Result) => r.objects / (r.ms / 1000);
    const perObject = (ms: number) => `${(ms / set.objects).toFixed(2)} ms`;
    for (const c of cases) {
      const rs = results.get(c.label)!;
      lines.push(
        `  ${c.label.padEnd(30)} ${spread(rs.map(rate), n)} objects/s; reader CPU ${spread(rs.map((r) => r.cpuMs), perObject)}` +
          `${c.emulator ? `; emulator CPU ${spread(rs.map((r) => r.emulatorMs), perObject)}` : ''}${rs[0].connections !== undefined ? `; ${n(rs[0].connections)} connections` : ''}`,
      );
    }
    const rateOf = (label: string) => median(results.get(label)!.map(rate));
    const local = rateOf('local directory');
    const best = cases.slice(3).reduce((b, c) => (rateOf(c.label) > rateOf(b.label) ? c : b), cases[3]);
    const cosRate = rateOf('COS, keep-alive, 32 at once');
    const emulatorMs = (label: string) => median(results.get(label)!.map((r) => r.emulatorMs));
    lines.push(
      `  local ÷ COS (median; the reader's default for COS, 32 at once over keep-alive connections): ${(local / cosRate).toFixed(2)} (goal ≤ 2: ${local / cosRate <= 2 ? 'met' : 'NOT met'}); ` +
        `with s3rver alone ${(local / rateOf('COS, s3rver alone, 32 at once')).toFixed(2)}; emulator CPU, s3rver alone ÷ fast path: ` +
        `${(emulatorMs('COS, s3rver alone, 32 at once') / emulatorMs('COS, keep-alive, 32 at once')).toFixed(2)}; fastest: ${best.label}; ` +
        `all reports equal: ${new Set([...results.values()].flat().map((r) => r.digest)).size === 1 ? 'yes' : 'NO'}`,
    );
  } finally {
    await stop(direct.child);
    await stop(s3rver.child);
  }
}

async function hostile(lines: string[], root: string): Promise<void> {
  const dir = join(root, 'hostile');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const doc = documentOf(IFACE('0727-if-bomb', 1), []);
  const big = await padBomb(doc, 261_000_000);
  const small = await padBomb(doc, 64_000_000);
  writeFileSync(join(dir, 'bomb-261mb.gz'), big);
  writeFileSync(join(dir, 'bomb-64mb.gz'), small);
  const hook = join(ROOT, 'dist/test/support/peakRss.js');
  const seconds: number[] = [];
  const rss: number[] = [];
  for (let k = 0; k < RUNS; k++) {
    const rssFile = join(dir, 'rss');
    const started = Date.now();
    spawnSync(process.execPath, ['provider/bin/ibm-flowlogs', 'logs', '--dir', dir, '--format', 'json'], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: `--require ${hook}`, PEAK_RSS_FILE: rssFile }, maxBuffer: 1 << 24 });
    seconds.push((Date.now() - started) / 1000);
    rss.push(Number(readFileSync(rssFile, 'utf8')) * 1024);
  }
  lines.push(
    `hostile objects (${n(big.length / 1000)} KB inflating to 261 MB: refused as over the 64 MiB budget; ${n(small.length / 1000)} KB to 64 MB: analyzed, its padding skipped), ` +
      `the whole \`ibm-flowlogs logs\` process: ${spread(seconds, (s) => `${s.toFixed(1)} s`)}, peak RSS ${spread(rss, mb)}`,
  );
  rmSync(dir, { recursive: true, force: true });
}

export async function flowlogs(): Promise<string[]> {
  const lines: string[] = [];
  const root = join(tmpdir(), 'ibmflowlogs-bench');
  const sets: DataSet[] = [await flowLogDataSet(root, SMALL, SEED), await flowLogDataSet(root, LARGE, SEED)];
  const generated = sets.reduce((s, d) => s + d.generatedSeconds, 0);
  const describe = (d: DataSet) => `${n(d.objects)} objects, ${n(d.records)} records, ${mb(d.gzipBytes)} gzip / ${mb(d.jsonBytes)} JSON`;
  lines.push(
    `data (seeded, in the documented key layout, ${INTERFACES} interfaces, one ingress and one egress object per interface and 5-minute window; ` +
      `${generated > 0 ? `generated in ${generated.toFixed(0)} s` : 'reused'} under ${root}): 1× = ${describe(sets[0])}; 10× = ${describe(sets[1])}`,
  );
  await engines(lines, sets, canPin());
  await hostile(lines, root);
  return lines;
}

/** COS vs a local directory alone (`npm run bench -- COS`): the 1× data set. */
export async function flowlogsCos(): Promise<string[]> {
  const lines: string[] = [];
  const set = await flowLogDataSet(join(tmpdir(), 'ibmflowlogs-bench'), SMALL, SEED);
  await cos(lines, set);
  return lines;
}
