import { createHash } from 'node:crypto';
import type { Agent } from 'node:http';
import { analyze, type LogsEngine } from '../../provider/src/cli/logs/engines';
import { createCosClient, DEFAULT_FETCH_WORKERS, readFlowLogs, readLocalFlowLogs, type FlowLogObject, type ReadOptions } from '../../provider/src/flowlogs';

/**
 * One measured run in a process of its own (so that its peak RSS is its own), as `ibm-flowlogs logs` runs it:
 *
 *   node flowlogsChild.js dir ENGINE THREADS DIR
 *   node flowlogsChild.js cos ENGINE THREADS ENDPOINT BUCKET CONCURRENCY KEEPALIVE [FETCH_WORKERS]   (HMAC keys in the environment)
 *
 * reads every object (from a directory, or from COS through ibm-cos-sdk) and analyzes it with the engine (`native`
 * or `duckdb` on THREADS threads); FETCH_WORKERS: GETs on that many worker threads (ReadOptions.fetchWorkers; 0: on the
 * reader's thread), else the reader's default. Prints one JSON line: objects, records, wall and CPU ms from the start of the read
 * to the finished report (process start-up and module loading excluded), peak RSS, the TCP connections opened, and
 * a digest of the report's JSON (equal digests: equal reports).
 */

export interface Result {
  engine: string;
  objects: number;
  records: number;
  failed: number;
  ms: number;
  cpuMs: number;
  maxRssKb: number;
  connections?: number;
  digest: string;
  notes: Record<string, unknown>;
}

function clock() {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  return () => {
    const used = process.cpuUsage(cpu);
    return { ms: Number(process.hrtime.bigint() - started) / 1e6, cpuMs: (used.user + used.system) / 1000 };
  };
}

async function main(): Promise<void> {
  const [source, engine, threadsText, ...rest] = process.argv.slice(2);
  const threads = Number(threadsText);
  let read: (extra: Partial<ReadOptions>) => AsyncIterable<FlowLogObject>;
  let connections: (() => number) | undefined;
  if (source === 'dir') {
    const [dir] = rest;
    read = (extra) => readLocalFlowLogs({ dir, ...extra });
  } else {
    const [endpoint, bucket, concurrency, keepAlive, fetchWorkers] = rest;
    const cos = createCosClient({ endpoint, accessKeyId: process.env.AWS_ACCESS_KEY_ID!, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY!, maxSockets: Number(concurrency) });
    const agent = (cos.config.httpOptions as { agent: Agent & { keepAlive: boolean } }).agent;
    if (keepAlive !== 'keep-alive') (agent as unknown as { keepAlive: boolean }).keepAlive = false;
    let opened = 0;
    const create = (agent as unknown as { createConnection: (...a: unknown[]) => unknown }).createConnection.bind(agent);
    (agent as unknown as { createConnection: (...a: unknown[]) => unknown }).createConnection = (...a: unknown[]) => {
      opened++;
      return create(...a);
    };
    connections = () => opened;
    const workers = fetchWorkers !== undefined ? { fetchWorkers: Number(fetchWorkers) } : {};
    read = (extra) => readFlowLogs({ cos, bucket, concurrency: Number(concurrency), ...workers, ...extra });
    // Workers' GETs go through agents of their own: only this thread's connections are counted.
    if ((workers.fetchWorkers ?? DEFAULT_FETCH_WORKERS) > 0) connections = undefined;
  }
  let objects = 0;
  let failed = 0;
  const counted = (extra: Partial<ReadOptions>) =>
    (async function* () {
      for await (const o of read(extra)) {
        objects++;
        if (!o.document) failed++;
        yield o;
      }
    })();
  const stop = clock();
  const report = await analyze(counted, { engine: engine as LogsEngine, threads }, {});
  const { ms, cpuMs } = stop();
  const result: Result = {
    engine,
    objects,
    records: report.objects.records,
    failed,
    ms,
    cpuMs,
    maxRssKb: process.resourceUsage().maxRSS,
    ...(connections ? { connections: connections() } : {}),
    digest: createHash('sha256').update(JSON.stringify(report)).digest('hex').slice(0, 16),
    notes: { portScans: report.findings.portScans.length, asymmetric: report.findings.asymmetric.length, rejectedGroups: report.rejected.totalGroups },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
