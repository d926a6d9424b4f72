/**
 * The DuckDB engine (`ibm-flowlogs logs --engine duckdb`): objects read by the project's readers (a directory or a
 * COS bucket) and decoded on worker threads (decodePool.ts) are appended to DuckDB's `objects` and `records`
 * tables, then the SQL analysis (sql/analysis.ts, the statements the Spark job runs too) computes the report's parts.
 * Records go in as column vectors copied straight from the packed form, 2,048 rows at a time.
 *
 * DuckDB (@duckdb/node-api) is loaded by this module only: nothing else imports it, so every other command starts
 * without it.
 */
import { availableParallelism, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as duckdbBindings from '@duckdb/node-bindings';
import { DuckDBInstance, DuckDBDataChunk, DOUBLE, INTEGER, UINTEGER, BOOLEAN, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { buildReport, type ReportOptions } from '../assemble';
import { isSkipData, type FlowLogDocument } from '../document';
import * as P from '../packed';
import type { FlowLogObject } from '../reader';
import type { FlowLogReport } from '../report';
import { parseRfc3339 } from '../time';
import { analysisParams, analysisSql, RESULT_NAMES, type AnalysisParams } from '../sql/analysis';
import { DUCKDB } from '../sql/dialect';
import { partsOfResults, type ResultTables, type Row } from '../sql/results';

export interface DuckDbOptions extends ReportOptions {
  /** DuckDB's threads (and the decode pool's workers). @default every core (os.availableParallelism) */
  threads?: number;
  /** DuckDB's memory limit; past it, DuckDB spills to a temporary directory. @default DEFAULT_MEMORY_LIMIT */
  memoryLimit?: string;
}

/**
 * DuckDB's memory by default: past it, tables and intermediate results spill to a temporary directory, so that the
 * engine's memory stays the same whatever the input's size (flow logs of a month are many gigabytes).
 */
export const DEFAULT_MEMORY_LIMIT = '128MB';

/** The relations of sql/analysis.ts, as DuckDB tables. */
const OBJECTS_DDL =
  'CREATE TABLE objects (object_id INTEGER, object_key VARCHAR, key_interface VARCHAR, key_encoding VARCHAR, stored_bytes DOUBLE, json_bytes DOUBLE, ' +
  'valid BOOLEAN, error_kind VARCHAR, problems VARCHAR, interface_id VARCHAR, collector_crn VARCHAR, instance_crn VARCHAR, vpc_crn VARCHAR, ' +
  'capture_start_ms DOUBLE, capture_end_ms DOUBLE, skip_data BOOLEAN, declared_records DOUBLE, record_count DOUBLE)';
const RECORDS_DDL =
  'CREATE TABLE records (object_id INTEGER, start_ms DOUBLE, outbound BOOLEAN, rejected BOOLEAN, initiator_ip UINTEGER, target_ip UINTEGER, ' +
  'initiator_port INTEGER, target_port INTEGER, protocol INTEGER, bytes_i DOUBLE, packets_i DOUBLE, bytes_t DOUBLE, packets_t DOUBLE)';
const RECORD_TYPES = [INTEGER, DOUBLE, BOOLEAN, BOOLEAN, UINTEGER, UINTEGER, INTEGER, INTEGER, INTEGER, DOUBLE, DOUBLE, DOUBLE, DOUBLE];

/** A chunk's worth of record columns, filled from packed records and copied into a DuckDB data chunk. */
class RecordColumns {
  static readonly SIZE = duckdbBindings.vector_size();
  readonly objectId = new Int32Array(RecordColumns.SIZE);
  readonly start = new Float64Array(RecordColumns.SIZE);
  readonly outbound = new Uint8Array(RecordColumns.SIZE);
  readonly rejected = new Uint8Array(RecordColumns.SIZE);
  readonly initiatorIp = new Uint32Array(RecordColumns.SIZE);
  readonly targetIp = new Uint32Array(RecordColumns.SIZE);
  readonly initiatorPort = new Int32Array(RecordColumns.SIZE);
  readonly targetPort = new Int32Array(RecordColumns.SIZE);
  readonly protocol = new Int32Array(RecordColumns.SIZE);
  readonly bytesI = new Float64Array(RecordColumns.SIZE);
  readonly packetsI = new Float64Array(RecordColumns.SIZE);
  readonly bytesT = new Float64Array(RecordColumns.SIZE);
  readonly packetsT = new Float64Array(RecordColumns.SIZE);
  /** In the table's column order. */
  readonly all: ArrayBufferView[] = [
    this.objectId,
    this.start,
    this.outbound,
    this.rejected,
    this.initiatorIp,
    this.targetIp,
    this.initiatorPort,
    this.targetPort,
    this.protocol,
    this.bytesI,
    this.packetsI,
    this.bytesT,
    this.packetsT,
  ];
  rows = 0;
}

export class DuckDbAnalyzer {
  /** Every statement run for the analysis, in order (tests compare them with the Spark job's). */
  readonly statements: string[] = [];
  private readonly columns = new RecordColumns();
  private readonly chunk = DuckDBDataChunk.create(RECORD_TYPES);
  private readonly vectors: ReturnType<typeof duckdbBindings.data_chunk_get_vector>[];
  private objectId = 0;
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly objects: DuckDBAppender,
    private readonly records: DuckDBAppender,
    private readonly tempDir: string,
    private readonly options: DuckDbOptions,
    readonly threads: number,
  ) {
    this.vectors = RECORD_TYPES.map((_, i) => duckdbBindings.data_chunk_get_vector(this.chunk.chunk, i));
  }

  static async create(options: DuckDbOptions = {}): Promise<DuckDbAnalyzer> {
    const threads = Math.max(1, options.threads ?? availableParallelism());
    const tempDir = mkdtempSync(join(tmpdir(), 'ibmflowlogs-duckdb-'));
    // A database file, not ':memory:': DuckDB can evict a file's blocks to stay within its memory limit, while an
    // in-memory database's tables must stay in memory (and fail past the limit).
    const instance = await DuckDBInstance.create(join(tempDir, 'flowlogs.duckdb'), {
      threads: String(threads),
      memory_limit: options.memoryLimit ?? DEFAULT_MEMORY_LIMIT,
      temp_directory: tempDir,
      // The report orders everything itself; DuckDB need not keep insertion order.
      preserve_insertion_order: 'false',
    });
    const connection = await instance.connect();
    await connection.run(OBJECTS_DDL);
    await connection.run(RECORDS_DDL);
    await connection.run('CREATE TABLE expected_interfaces (id VARCHAR)');
    const objects = await connection.createAppender('objects');
    const records = await connection.createAppender('records');
    return new DuckDbAnalyzer(instance, connection, objects, records, tempDir, options, threads);
  }

  /** One object from a reader: a document, or a failure. */
  addObject(o: FlowLogObject): void {
    const id = this.objectId++;
    const a = this.objects;
    const text = (v: string | undefined) => (v === undefined ? a.appendNull() : a.appendVarchar(v));
    a.appendInteger(id);
    text(o.key);
    text(o.parsedKey?.interfaceId);
    text(o.keyEncoding);
    a.appendDouble(o.size);
    a.appendDouble(o.jsonBytes ?? 0);
    const doc = o.document;
    a.appendBoolean(doc !== undefined);
    if (!doc) {
      text(o.errorKind ?? 'document');
      text(JSON.stringify(o.problems ?? []));
      for (let i = 0; i < 9; i++) a.appendNull();
      a.endRow();
      return;
    }
    const { count, data } = P.packedRecordsOf(doc);
    text(undefined);
    text(undefined);
    text(doc.network_interface_id);
    text(doc.collector_crn);
    text(doc.instance_crn);
    text(doc.vpc_crn);
    a.appendDouble(parseRfc3339(doc.capture_start_time) ?? NaN);
    a.appendDouble(parseRfc3339(doc.capture_end_time) ?? NaN);
    a.appendBoolean(isSkipData(doc.state));
    a.appendDouble(doc.number_of_flow_logs);
    a.appendDouble(count);
    a.endRow();
    this.addRecords(id, count, data);
  }

  private addRecords(id: number, count: number, data: Float64Array): void {
    const c = this.columns;
    for (let i = 0, o = 0; i < count; i++, o += P.STRIDE) {
      const r = c.rows++;
      const flags = data[o + P.F_FLAGS];
      c.objectId[r] = id;
      c.start[r] = data[o + P.F_START];
      c.outbound[r] = flags & P.FLAG_OUTBOUND ? 1 : 0;
      c.rejected[r] = flags & P.FLAG_REJECTED ? 1 : 0;
      c.initiatorIp[r] = data[o + P.F_INITIATOR_IP];
      c.targetIp[r] = data[o + P.F_TARGET_IP];
      c.initiatorPort[r] = data[o + P.F_INITIATOR_PORT];
      c.targetPort[r] = data[o + P.F_TARGET_PORT];
      c.protocol[r] = data[o + P.F_PROTOCOL];
      c.bytesI[r] = data[o + P.F_BYTES_I];
      c.packetsI[r] = data[o + P.F_PACKETS_I];
      c.bytesT[r] = data[o + P.F_BYTES_T];
      c.packetsT[r] = data[o + P.F_PACKETS_T];
      if (c.rows === RecordColumns.SIZE) this.flushRecords();
    }
  }

  private flushRecords(): void {
    const c = this.columns;
    if (c.rows === 0) return;
    this.chunk.reset();
    c.all.forEach((column, i) => duckdbBindings.copy_data_to_vector(this.vectors[i], 0, column.buffer as ArrayBuffer, column.byteOffset, c.rows * (column.byteLength / RecordColumns.SIZE)));
    duckdbBindings.data_chunk_set_size(this.chunk.chunk, c.rows);
    this.records.appendDataChunk(this.chunk);
    c.rows = 0;
  }

  /** A document read some other way (tests). */
  add(meta: { key: string; size: number; jsonBytes?: number }, doc: FlowLogDocument): void {
    this.addObject({ ...meta, document: doc });
  }

  /** Runs the analysis and builds the report; the analyzer is closed afterwards. */
  async report(): Promise<FlowLogReport> {
    const tables = await this.resultTables();
    return buildReport(partsOfResults(tables, analysisParams(this.options)), this.options);
  }

  /** Runs the analysis and returns its result tables (what the Spark job writes); the analyzer is closed afterwards. */
  async resultTables(): Promise<ResultTables> {
    try {
      this.flushRecords();
      this.objects.closeSync();
      this.records.closeSync();
      const expected = (this.options.expectedInterfaces ?? []).map((e) => (typeof e === 'string' ? e : e.id));
      if (expected.length > 0) {
        const appender = await this.connection.createAppender('expected_interfaces');
        for (const id of expected) {
          appender.appendVarchar(id);
          appender.endRow();
        }
        appender.closeSync();
      }
      return await runAnalysis(this.connection, analysisParams(this.options), this.statements);
    } finally {
      this.close();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.closeSync();
    this.instance.closeSync();
    rmSync(this.tempDir, { recursive: true, force: true });
  }
}

/** Runs the analysis' statements on a connection whose `objects`, `records` and `expected_interfaces` are loaded. */
export async function runAnalysis(connection: DuckDBConnection, params: AnalysisParams, ran: string[] = []): Promise<ResultTables> {
  const sql = analysisSql(DUCKDB, params);
  for (const statement of sql.setup) {
    ran.push(statement);
    await connection.run(statement);
  }
  const tables = Object.fromEntries(RESULT_NAMES.map((name) => [name, [] as Row[]])) as ResultTables;
  for (const { name, sql: query } of sql.results) {
    ran.push(query);
    tables[name] = (await connection.runAndReadAll(query)).getRowObjectsJS() as Row[];
  }
  return tables;
}
