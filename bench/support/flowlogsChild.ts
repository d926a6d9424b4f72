import { FlowLogAnalyzer, readLocalFlowLogs } from '../../provider/src/flowlogs';

/**
 * One measured run in a process of its own (so that its peak RSS is its own): `node flowlogsChild.js ours DIR` reads
 * every object under DIR with the local reader and the full analyzer; `node flowlogsChild.js duckdb DIR` runs the
 * same per-interface, per-action totals in DuckDB with one thread. Prints one JSON line: records, wall and CPU ms
 * (from the start of the read to the finished result; process start-up and module loading excluded), peak RSS, and
 * the per-interface totals for the cross-check.
 */

/** Per interface: [accepted flows, rejected flows, bytes, packets]. */
type Totals = Record<string, [number, number, number, number]>;

export interface Result {
  engine: string;
  records: number;
  objects: number;
  failed: number;
  ms: number;
  cpuMs: number;
  maxRssKb: number;
  totals: Totals;
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

async function ours(dir: string): Promise<Result> {
  const stop = clock();
  const analyzer = new FlowLogAnalyzer();
  let objects = 0;
  let failed = 0;
  for await (const o of readLocalFlowLogs({ dir, concurrency: 8 })) {
    analyzer.addObject(o);
    objects++;
    if (!o.document) failed++;
  }
  const report = analyzer.report();
  const { ms, cpuMs } = stop();
  const totals: Totals = {};
  for (const i of report.interfaces) totals[i.interfaceId] = [i.accepted, i.rejected, i.bytes, i.packets];
  return {
    engine: 'ours',
    records: report.objects.records,
    objects,
    failed,
    ms,
    cpuMs,
    maxRssKb: process.resourceUsage().maxRSS,
    totals,
    notes: {
      heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1048576),
      heapTotalMb: Math.round(process.memoryUsage().heapTotal / 1048576),
      externalMb: Math.round(process.memoryUsage().external / 1048576),
      portScans: report.findings.portScans.length,
      asymmetric: report.findings.asymmetric.length,
      rejectedGroups: report.rejected.totalGroups,
    },
  };
}

async function duckdb(dir: string): Promise<Result> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  // Installed on demand by ensureDuckDb (bench/support/duckdb.ts), outside the project's dependencies.
  const { DuckDBInstance } = require(process.env.IBMFLOWLOGS_DUCKDB ?? '@duckdb/node-api') as { DuckDBInstance: any };
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  const version = (await connection.runAndReadAll(`SELECT version() AS v, current_setting('threads') AS t`)).getRowObjects()[0];
  const glob = `${dir.replace(/'/g, "''")}/**/*.gz`;
  const sql = `
    SELECT network_interface_id AS id, f.action AS action, count(*) AS flows,
           sum(f.bytes_from_initiator + f.bytes_from_target) AS bytes,
           sum(f.packets_from_initiator + f.packets_from_target) AS packets
    FROM (SELECT network_interface_id, unnest(flow_logs) AS f
          FROM read_json('${glob}', format = 'newline_delimited', compression = 'gzip',
            columns = {network_interface_id: 'VARCHAR',
                       flow_logs: 'STRUCT(action VARCHAR, bytes_from_initiator UBIGINT, packets_from_initiator UBIGINT, bytes_from_target UBIGINT, packets_from_target UBIGINT)[]'}))
    GROUP BY ALL ORDER BY id, action`;
  const stop = clock();
  const rows = (await connection.runAndReadAll(sql)).getRowObjects();
  const { ms, cpuMs } = stop();
  const objects = Number((await connection.runAndReadAll(`SELECT count(*) AS n FROM glob('${glob}')`)).getRowObjects()[0].n);
  const totals: Totals = {};
  let records = 0;
  for (const r of rows) {
    const t = (totals[String(r.id)] ??= [0, 0, 0, 0]);
    const flows = Number(r.flows);
    records += flows;
    if (r.action === 'rejected') t[1] += flows;
    else t[0] += flows;
    t[2] += Number(r.bytes);
    t[3] += Number(r.packets);
  }
  connection.closeSync();
  return {
    engine: 'duckdb',
    records,
    objects,
    failed: 0,
    ms,
    cpuMs,
    maxRssKb: process.resourceUsage().maxRSS,
    totals,
    notes: { version: String(version.v), threads: String(version.t) },
  };
}

async function main(): Promise<void> {
  const [engine, dir] = process.argv.slice(2);
  const result = engine === 'duckdb' ? await duckdb(dir) : await ours(dir);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
