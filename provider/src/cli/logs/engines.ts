/**
 * The engines `logs` analyzes with: `native` (the streaming analyzer, one core) and `duckdb` (objects decoded on
 * every core, analyzed by DuckDB). Both read through the same readers and give the same report; DuckDB is loaded
 * only when it is asked for.
 */
import { availableParallelism } from 'node:os';
import { FlowLogAnalyzer, type FlowLogObject, type FlowLogReport, type ReadOptions, type ReportOptions } from '../../flowlogs';

export type LogsEngine = 'native' | 'duckdb';
export const LOGS_ENGINES: readonly LogsEngine[] = ['native', 'duckdb'];

export interface EngineChoice {
  engine: LogsEngine;
  /** DuckDB's threads and decode workers. @default every core */
  threads?: number;
}

/** Reads with `read` (given what the engine adds to the read options) and analyzes with the chosen engine. */
export async function analyze(read: (extra: Partial<ReadOptions>) => AsyncIterable<FlowLogObject>, choice: EngineChoice, options: ReportOptions): Promise<FlowLogReport> {
  if (choice.engine === 'native') {
    const analyzer = new FlowLogAnalyzer(options);
    for await (const o of read({})) analyzer.addObject(o);
    return analyzer.report();
  }
  const [{ DuckDbAnalyzer }, { DecodePool }] = await Promise.all([import('../../flowlogs/duckdb/engine'), import('../../flowlogs/duckdb/decodePool')]);
  const threads = choice.threads ?? availableParallelism();
  const pool = new DecodePool(threads);
  try {
    const analyzer = await DuckDbAnalyzer.create({ ...options, threads });
    try {
      for await (const o of read({ decoder: (gz, limits) => pool.decode(gz, limits), concurrency: Math.max(8, 4 * threads) })) analyzer.addObject(o);
    } catch (error) {
      analyzer.close();
      throw error;
    }
    return await analyzer.report();
  } finally {
    await pool.close();
  }
}
