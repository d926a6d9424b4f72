import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { startEmulator, type RunningEmulator } from '../../emulator/src';
import { buildReport, DEFAULT_LIMITS, FlowLogAnalyzer, readLocalFlowLogs, type FlowLogReport } from '../../provider/src/flowlogs';
import { DuckDbAnalyzer, runAnalysis } from '../../provider/src/flowlogs/duckdb/engine';
import { analysisParams, analysisSql } from '../../provider/src/flowlogs/sql/analysis';
import { DUCKDB, SPARK, type Dialect } from '../../provider/src/flowlogs/sql/dialect';
import { loadSql } from '../../provider/src/flowlogs/sql/load';
import { partsOfResults, SQL_RESULT_FORMAT, type SqlResultFile } from '../../provider/src/flowlogs/sql/results';
import { partitionFilter, sparkJob } from '../../provider/src/flowlogs/spark/job';
import { EmulatorClient } from '../support/emulator';
import { downloadBucket, writeScenario } from '../support/emulatorFlowLogs';
import { hermeticEnv, runCli } from '../support/runner';

/**
 * The SQL engines: the dialect module holds every difference between DuckDB's and Spark's SQL (the
 * analysis rendered through a marker dialect gives each engine's statements once its markers are replaced); the
 * DuckDB engine runs exactly the analysis statements; the Spark job is valid Python whose embedded statements are
 * the Spark rendering of the same SQL, reading the bucket with partition discovery and the range's partitions;
 * the job's loading SQL, run on DuckDB over the emulator's objects, gives the native report; `--from-report`
 * renders a report file and a Spark result file.
 */

/** A dialect that writes each dialect call as a marker: \u0001name\u0002JSON(args)\u0003 (JSON escapes nested ones). */
const MARKER = new Proxy({} as Dialect, {
  get: (_, name) => {
    if (name === 'name') return 'marker';
    return (...args: unknown[]) => {
      const token = `\u0001${String(name)}\u0002${JSON.stringify(args)}\u0003`;
      return name === 'table' || name === 'view' ? [token] : token;
    };
  },
});

/** A marker-dialect statement rendered in a real dialect. */
function render(text: string, d: Dialect): string[] {
  const one = (s: string): string =>
    s.replace(/\u0001([a-zA-Z]+)\u0002([^\u0003]*)\u0003/g, (_, name: string, args: string) => {
      const values = (JSON.parse(args) as unknown[]).map((a) => (typeof a === 'string' ? one(a) : a));
      const out = (d[name as keyof Dialect] as (...a: unknown[]) => string | string[])(...values);
      return Array.isArray(out) ? out.join('\u0000') : out;
    });
  return one(text).split('\u0000');
}

const PARAMS = analysisParams({ portScanThreshold: 15 });

describe('SQL engines: one analysis, two dialects', () => {
  for (const d of [DUCKDB, SPARK]) {
    it(`the ${d.name} statements are the marker rendering with ${d.name}'s fragments: no dialect difference outside dialect.ts`, () => {
      const marked = analysisSql(MARKER, PARAMS);
      const real = analysisSql(d, PARAMS);
      expect(marked.setup.flatMap((s) => render(s, d))).to.deep.equal(real.setup);
      expect(marked.results.map((r) => render(r.sql, d).join(''))).to.deep.equal(real.results.map((r) => r.sql));
      const load = loadSql(MARKER, DEFAULT_LIMITS, { since: 0, until: 1, interfaceId: 'x' });
      expect(load.flatMap((s) => render(s, d))).to.deep.equal(loadSql(d, DEFAULT_LIMITS, { since: 0, until: 1, interfaceId: 'x' }));
    });
  }
});

describe('SQL engines: the Spark job for IBM Analytics Engine', () => {
  const scope = { since: Date.parse('2026-01-05T09:00:00Z'), until: Date.parse('2026-01-05T11:00:00Z') };
  const job = sparkJob({ bucket: 'flow-bucket', cosService: 'flowlogs', reportKey: 'ibm-flowlogs/reports/r.json', scope, params: PARAMS, limits: DEFAULT_LIMITS });
  const python = spawnSync('python3', ['--version']).status === 0;

  it('covers the range with its hour partitions, widened by 15 minutes', () => {
    expect(partitionFilter(scope)).to.equal(
      ['08', '09', '10', '11'].map((h) => `(year = '2026' AND month = '01' AND day = '05' AND hour = '${h}')`).join(' OR '),
    );
    expect(partitionFilter({})).to.equal('true');
  });

  it('is Python that embeds the Spark rendering of the loading and analysis SQL, and reads the bucket as the key layout lays it out', function () {
    if (!python) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'spark-job-'));
    try {
      const file = join(dir, 'flowlogs_job.py');
      writeFileSync(file, job.source);
      // Compiles, and its constants evaluate (with json only) to what the generator put in.
      const script =
        'import ast, json, sys\n' +
        'tree = ast.parse(open(sys.argv[1]).read())\n' +
        'names = ["BASE", "REPORT", "PARTITION_FILTER", "OPTIONS", "LOAD", "SETUP", "RESULTS", "EXPECTED_INTERFACES"]\n' +
        'env = {"json": json}\n' +
        'for node in tree.body:\n' +
        '    if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):\n' +
        '        env[node.targets[0].id] = eval(compile(ast.Expression(node.value), "job", "eval"), env)\n' +
        'print(json.dumps({n: env[n] for n in names}))\n';
      const r = spawnSync('python3', ['-c', script, file], { encoding: 'utf8' });
      expect(r.stderr).to.equal('');
      const constants = JSON.parse(r.stdout);
      expect(constants.BASE).to.equal('cos://flow-bucket.flowlogs/ibm_vpc_flowlogs_v1/');
      expect(constants.REPORT).to.equal('cos://flow-bucket.flowlogs/ibm-flowlogs/reports/r.json');
      expect(constants.PARTITION_FILTER).to.equal(partitionFilter(scope));
      expect(constants.LOAD).to.deep.equal(loadSql(SPARK, DEFAULT_LIMITS, scope));
      expect(constants.SETUP).to.deep.equal(analysisSql(SPARK, PARAMS).setup);
      expect(constants.RESULTS).to.deep.equal(analysisSql(SPARK, PARAMS).results.map((q) => [q.name, q.sql]));
      expect(constants.OPTIONS).to.deep.equal({ since: '2026-01-05T09:00:00.000Z', until: '2026-01-05T11:00:00.000Z', ...PARAMS });
      expect(spawnSync('python3', ['-m', 'py_compile', file]).status).to.equal(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists with partition discovery and the partition filter, reads whole objects, runs the statements in order and writes the result file', () => {
    const s = job.source;
    const steps = [
      'spark.sql.files.ignoreCorruptFiles',
      'spark.read.format("binaryFile").option("basePath", BASE)',
      '.load(BASE).where(PARTITION_FILTER)',
      'spark.read.option("wholetext", "true").option("basePath", BASE)',
      '.text(BASE).where(PARTITION_FILTER)',
      'createOrReplaceTempView("raw_objects")',
      'createOrReplaceTempView("expected_interfaces")',
      'for statement in LOAD + SETUP:',
      'for name, query in RESULTS:',
      `"format": json.loads(${JSON.stringify(JSON.stringify(SQL_RESULT_FORMAT))})`,
      'getFileSystem(spark._jsc.hadoopConfiguration()).create(path, True)',
    ];
    let at = 0;
    for (const step of steps) {
      const found = s.indexOf(step, at);
      expect(found, step).to.be.greaterThan(-1);
      at = found;
    }
    expect(s).to.not.match(/access\.key|secret|api\.key|apikey/i);
  });
});

describe('SQL engines on the emulator\'s objects', function () {
  this.timeout(180_000);
  let emulator: RunningEmulator;
  let work: string;
  let dir: string;
  let native: FlowLogReport;

  before(async () => {
    emulator = await startEmulator({ pendingSeconds: 0, deletingSeconds: 0, clockStart: '2026-01-05T09:00:00Z', log: () => undefined });
    const client = new EmulatorClient(emulator);
    await writeScenario(client, 2);
    work = mkdtempSync(join(tmpdir(), 'flowlogs-sql-'));
    dir = join(work, 'objects');
    const keys = await downloadBucket(client, 'bucket-c', dir);
    // Two damaged objects next to the others: a cut-off gzip stream and truncated JSON.
    const sample = readFileSync(join(dir, ...keys[0].split('/')));
    const at = (n: number) => join(dir, ...keys[0].replace(/\d{8}\.gz$/, `${90000000 + n}.gz`).split('/'));
    writeFileSync(at(1), sample.subarray(0, sample.length - 12));
    writeFileSync(at(2), gzipSync(gunzipSync(sample).subarray(0, 100)));
    const analyzer = new FlowLogAnalyzer({ portScanThreshold: PARAMS.portScanThreshold });
    for await (const o of readLocalFlowLogs({ dir })) analyzer.addObject(o);
    native = analyzer.report();
    expect(native.failures.map((f) => f.kind)).to.deep.equal(['gzip', 'json']);
  });
  after(async () => {
    await emulator.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('the DuckDB engine runs exactly the analysis statements, and reports what the native analyzer does', async () => {
    const engine = await DuckDbAnalyzer.create({ portScanThreshold: PARAMS.portScanThreshold, threads: 1 });
    for await (const o of readLocalFlowLogs({ dir })) engine.addObject(o);
    const report = await engine.report();
    const sql = analysisSql(DUCKDB, PARAMS);
    expect(engine.statements).to.deep.equal([...sql.setup, ...sql.results.map((r) => r.sql)]);
    expect(report).to.deep.equal(native);
  });

  it('the Spark job\'s loading SQL, run on DuckDB over the raw objects, gives the native report (failures in coarser words)', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const c = await instance.connect();
    try {
      await c.run('CREATE TABLE raw_objects (object_key VARCHAR, stored_bytes BIGINT, json_text VARCHAR)');
      await c.run('CREATE TABLE expected_interfaces (id VARCHAR)');
      const appender = await c.createAppender('raw_objects');
      for (const f of readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())) {
        const gz = readFileSync(join(f.parentPath, f.name));
        appender.appendVarchar(join(f.parentPath, f.name).slice(dir.length + 1));
        appender.appendBigInt(BigInt(gz.length));
        let text: string | undefined;
        try {
          text = gunzipSync(gz).toString('utf8'); // what Spark's reader gives; a corrupt stream is no text
        } catch {
          text = undefined;
        }
        if (text === undefined) appender.appendNull();
        else appender.appendVarchar(text);
        appender.endRow();
      }
      appender.closeSync();
      for (const statement of loadSql(DUCKDB, DEFAULT_LIMITS)) await c.run(statement);
      const report = buildReport(partsOfResults(await runAnalysis(c, PARAMS), PARAMS), { portScanThreshold: PARAMS.portScanThreshold });
      expect(report.failures.map((f) => [f.key, f.kind === 'read' ? 'gzip' : f.kind])).to.deep.equal(native.failures.map((f) => [f.key, f.kind]));
      expect({ ...report, failures: [] }).to.deep.equal({ ...native, failures: [] });
    } finally {
      c.closeSync();
      instance.closeSync();
    }
  });

  it('--from-report renders a report file as the analysis itself does, and a Spark result file as its report', async () => {
    const direct = await runCli(['logs', '--dir', dir, '--port-scan-threshold', '15'], hermeticEnv());
    const json = await runCli(['logs', '--dir', dir, '--port-scan-threshold', '15', '--format', 'json', '--engine', 'duckdb', '--threads', '2'], hermeticEnv());
    expect(JSON.parse(json.stdout)).to.deep.equal(native);
    const reportFile = join(work, 'report.json');
    writeFileSync(reportFile, json.stdout);
    const rendered = await runCli(['logs', '--from-report', reportFile], hermeticEnv());
    expect(rendered.code).to.equal(0);
    const body = (text: string) => text.split('\n').slice(1).join('\n');
    expect(rendered.stdout.split('\n')[0]).to.equal(`ibm-flowlogs logs: report ${reportFile}`);
    expect(body(rendered.stdout)).to.equal(body(direct.stdout));

    // A result file as the Spark job writes it: the analysis' result tables and the job's options.
    const engine = await DuckDbAnalyzer.create({ portScanThreshold: PARAMS.portScanThreshold, threads: 1 });
    for await (const o of readLocalFlowLogs({ dir })) engine.addObject(o);
    const tables = await engine.resultTables();
    const result: SqlResultFile = { format: SQL_RESULT_FORMAT, engine: 'spark 3.5.0', options: { ...PARAMS }, tables: JSON.parse(JSON.stringify(tables, (_, v) => (typeof v === 'bigint' ? Number(v) : v))) };
    const resultFile = join(work, 'result.json');
    writeFileSync(resultFile, JSON.stringify(result));
    const fromSpark = await runCli(['logs', '--from-report', resultFile, '--format', 'json'], hermeticEnv());
    expect(fromSpark.stderr).to.equal('');
    expect(JSON.parse(fromSpark.stdout)).to.deep.equal(native);
  });

  it('--from-report refuses what is not a report, saying what it lacks', async () => {
    mkdirSync(join(work, 'bad'), { recursive: true });
    const notJson = join(work, 'bad', 'x.json');
    writeFileSync(notJson, 'nope');
    const r1 = await runCli(['logs', '--from-report', notJson], hermeticEnv());
    expect(r1.code).to.equal(2);
    expect(r1.stderr).to.match(/^ibm-flowlogs logs: --from-report: .*x\.json is not JSON \(/);
    writeFileSync(notJson, '{"objects": {}}');
    const r2 = await runCli(['logs', '--from-report', notJson], hermeticEnv());
    expect(r2.stderr).to.equal(
      `ibm-flowlogs logs: --from-report: ${notJson} is neither a report (\`logs --format json\`) nor a Spark job's result (format ${SQL_RESULT_FORMAT}); it lacks failures, interfaces, collectors, topTalkers, rejected, findings, silentInterfaces, volume\n`,
    );
    const r3 = await runCli(['logs', '--from-report', notJson, '--dir', dir], hermeticEnv());
    expect(r3.stderr).to.equal('ibm-flowlogs logs: --from-report renders a report made before; it takes no --dir\n');
  });
});
