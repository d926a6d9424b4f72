/**
 * Objects decoded on worker threads, one per core by default: gunzip and parsing are most of the cost of reading
 * flow logs, and this is what lets the DuckDB engine use every core while DuckDB itself waits for rows. A reader
 * hands each object's stored bytes over (`ReadOptions.decoder`) and gets the same DecodeResult the main thread's
 * decoder would give (the packed form of the fast decoder).
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { DecodeResult, ObjectErrorKind, ObjectLimits } from '../decode';
import type { FlowLogHeader, Problem } from '../document';
import { PackedDocument } from '../packed';
import { WorkerPool } from '../workerPool';

export interface DecodeRequest {
  id: number;
  gz: Uint8Array;
  limits: ObjectLimits;
}

export type DecodeResponse =
  | { id: number; ok: true; header: FlowLogHeader; count: number; data: Float64Array; jsonBytes: number }
  | { id: number; ok: false; kind: ObjectErrorKind; problems: Problem[]; jsonBytes?: number };

export class DecodePool {
  private readonly pool: WorkerPool<Omit<DecodeRequest, 'id'>, DecodeResponse>;

  constructor(readonly size: number = availableParallelism()) {
    this.pool = new WorkerPool(join(__dirname, 'decodeWorker.js'), size, 'decode worker');
  }

  /** One object's stored bytes, decoded by the least busy worker. */
  async decode(gz: Buffer, limits: ObjectLimits): Promise<DecodeResult> {
    const m = await this.pool.send({ gz, limits });
    if (m.ok) return { ok: true, document: new PackedDocument(m.header, m.count, m.data), jsonBytes: m.jsonBytes };
    return { ok: false, kind: m.kind, problems: m.problems, ...(m.jsonBytes !== undefined ? { jsonBytes: m.jsonBytes } : {}) };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
