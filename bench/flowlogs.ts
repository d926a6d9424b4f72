import { execFile, spawnSync } from 'node:child_process';
import type { Result } from './support/flowlogsChild';
import { ensureDuckDb } from './support/duckdb';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './support/load';
import { flowLogDataSet, INTERFACES, type DataSet } from './support/flowlogData';

/**
 * Flow-log objects end to end from local .gz files on one core: list, read, gunzip, parse, validate every field and
 * run the full analyzer, at 1× and 10× the input, each run in a process of its own for a clean peak RSS; and DuckDB
 * side by side in the same run (read_json over the same files, one thread, the same per-interface and per-action
 * totals), with the ratio and a cross-check of the totals.
 */

const SMALL = 2_000; // objects; about 360,000 records
const LARGE = 10 * SMALL;
const SEED = 20250601;
const RUNS = 3;
const CHILD = join(__dirname, 'support', 'flowlogsChild.js');

type Run = Result;

const hasTaskset = () => spawnSync('taskset', ['-c', '0', 'true']).status === 0;

function runChild(engine: 'ours' | 'duckdb', dir: string, pin: boolean): Promise<Run> {
  const [command, args] = pin ? ['taskset', ['-c', '0', process.execPath, CHILD, engine, dir]] : [process.execPath, [CHILD, engine, dir]];
  const env = engine === 'duckdb' ? { ...process.env, IBMFLOWLOGS_DUCKDB: ensureDuckDb() } : process.env;
  return new Promise((resolve, reject) => {
    execFile(command, args as string[], { maxBuffer: 16 * 1024 * 1024, env }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${engine} run failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as Run);
    });
  });
}

const n = (x: number) => Math.round(x).toLocaleString('en');
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(bytes >= 1e9 ? 0 : 1)} MB`;
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

interface Summary {
  ms: number;
  cpuMs: number;
  rate: number;
  rssMb: number;
  last: Run;
}

function summarize(runs: Run[]): Summary {
  const ms = median(runs.map((r) => r.ms));
  return {
    ms,
    cpuMs: median(runs.map((r) => r.cpuMs)),
    rate: runs[0].records / (ms / 1000),
    rssMb: Math.max(...runs.map((r) => r.maxRssKb)) / 1024,
    last: runs[runs.length - 1],
  };
}

const sameTotals = (a: Run, b: Run) => JSON.stringify(Object.entries(a.totals).sort()) === JSON.stringify(Object.entries(b.totals).sort());

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
  const pin = hasTaskset();
  lines.push(
    `one core: ${pin ? 'every run is pinned to CPU 0 with `taskset -c 0` (all its threads share that core)' : 'taskset is missing: runs are NOT pinned to one core'}; ` +
      `each run is a process of its own (start-up and module loading not timed); median of ${RUNS} runs, peak RSS the highest`,
  );

  let duckdbError: string | undefined;
  const ours: Run[][] = [[], []];
  const duck: Run[][] = [[], []];
  for (let size = 0; size < 2; size++) {
    for (let k = 0; k < RUNS; k++) {
      ours[size].push(await runChild('ours', sets[size].dir, pin));
      if (duckdbError === undefined) {
        try {
          duck[size].push(await runChild('duckdb', sets[size].dir, pin));
        } catch (error) {
          duckdbError = (error as Error).message.split('\n')[0];
        }
      }
    }
  }

  const o = ours.map(summarize);
  for (let size = 0; size < 2; size++) {
    for (const r of ours[size]) if (r.failed > 0 || r.records !== sets[size].records) throw new Error(`a run read ${r.records} of ${sets[size].records} records, ${r.failed} objects failed`);
  }
  lines.push('ours (list + read + gunzip + parse + validate every field + the full analyzer: totals, top talkers, rejected groups, asymmetric and port-scan findings, volume):');
  for (let size = 0; size < 2; size++) {
    const s = o[size];
    lines.push(
      `  ${size === 0 ? '1×' : '10×'}: ${sec(s.ms)} (CPU ${sec(s.cpuMs)}), ${n(s.rate)} records/s, peak RSS ${s.rssMb.toFixed(0)} MB` +
        ` (findings: ${s.last.notes.portScans} port scans, ${s.last.notes.asymmetric} asymmetric; ${n(Number(s.last.notes.rejectedGroups))} rejected groups)`,
    );
  }
  const rssRatio = o[1].rssMb / o[0].rssMb;
  const verdict = (rate: number) => (rate >= 500_000 ? 'met' : 'NOT met');
  lines.push(`  must show ≥ 500,000 records/s: 1× ${verdict(o[0].rate)}, 10× ${verdict(o[1].rate)}`);
  lines.push(`  peak RSS at 10× the input / at 1×: ${rssRatio.toFixed(2)} (bound ≤ 1.5: ${rssRatio <= 1.5 ? 'met' : 'NOT met'})`);

  if (duckdbError !== undefined || duck[0].length === 0 || duck[1].length === 0) {
    lines.push(`DuckDB: not measured (${duckdbError ?? 'no run'}); ratio not measured`);
    return lines;
  }
  const d = duck.map(summarize);
  lines.push(
    `DuckDB ${d[0].last.notes.version} (@duckdb/node-api; read_json over the same .gz files with threads = ${d[0].last.notes.threads}, same core; ` +
      'count, bytes and packets per network_interface_id and action):',
  );
  for (let size = 0; size < 2; size++) {
    lines.push(`  ${size === 0 ? '1×' : '10×'}: ${sec(d[size].ms)} (CPU ${sec(d[size].cpuMs)}), ${n(d[size].rate)} records/s, peak RSS ${d[size].rssMb.toFixed(0)} MB`);
  }
  const ratios = [0, 1].map((size) => o[size].rate / d[size].rate);
  lines.push(
    `ratio, our records/s over DuckDB's: 1× ${ratios[0].toFixed(2)}, 10× ${ratios[1].toFixed(2)} ` +
      `(goal ≥ 0.50, no slower than 2× DuckDB: ${ratios.every((r) => r >= 0.5) ? 'met' : 'NOT met'}; DuckDB computes only the totals, we run the whole analysis)`,
  );
  const agree = [0, 1].every((size) => sameTotals(ours[size][0], duck[size][0]));
  lines.push(`cross-check: per-interface accepted and rejected flows, bytes and packets equal DuckDB's at both sizes: ${agree ? 'yes' : 'NO'}`);
  return lines;
}
