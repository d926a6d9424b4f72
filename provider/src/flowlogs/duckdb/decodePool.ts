/**
 * Objects decoded on worker threads, one per core by default: gunzip and parsing are most of the cost of reading
 * flow logs, and this is what lets the DuckDB engine use every core while DuckDB itself waits for rows. A reader
 * hands each object's stored bytes over (`ReadOptions.decoder`) and gets the same DecodeResult the main thread's
 * decoder would give (the packed form of the fast decoder).
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DecodeResult, ObjectErrorKind, ObjectLimits } from '../decode';
import type { FlowLogHeader, Problem } from '../document';
import { PackedDocument } from '../packed';

export interface DecodeRequest {
  id: number;
  gz: Uint8Array;
  limits: ObjectLimits;
}

export type DecodeResponse =
  | { id: number; ok: true; header: FlowLogHeader; count: number; data: Float64Array; jsonBytes: number }
  | { id: number; ok: false; kind: ObjectErrorKind; problems: Problem[]; jsonBytes?: number };

export class DecodePool {
  private readonly workers: Worker[] = [];
  private readonly load: number[] = [];
  private readonly pending = new Map<number, { worker: number; resolve: (r: DecodeResult) => void; reject: (e: Error) => void }>();
  private next = 0;
  private failed?: Error;

  constructor(readonly size: number = availableParallelism()) {
    for (let i = 0; i < Math.max(1, size); i++) {
      const worker = new Worker(join(__dirname, 'decodeWorker.js'));
      worker.on('message', (m: DecodeResponse) => this.settle(m));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => code !== 0 && this.fail(new Error(`a decode worker exited with code ${code}`)));
      this.workers.push(worker);
      this.load.push(0);
    }
  }

  /** One object's stored bytes, decoded by the least busy worker. */
  decode(gz: Buffer, limits: ObjectLimits): Promise<DecodeResult> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.next++;
    let worker = 0;
    for (let i = 1; i < this.load.length; i++) if (this.load[i] < this.load[worker]) worker = i;
    this.load[worker]++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { worker, resolve, reject });
      this.workers[worker].postMessage({ id, gz, limits } satisfies DecodeRequest);
    });
  }

  private settle(m: DecodeResponse): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    this.load[p.worker]--;
    if (m.ok) p.resolve({ ok: true, document: new PackedDocument(m.header, m.count, m.data), jsonBytes: m.jsonBytes });
    else p.resolve({ ok: false, kind: m.kind, problems: m.problems, ...(m.jsonBytes !== undefined ? { jsonBytes: m.jsonBytes } : {}) });
  }

  private fail(error: Error): void {
    this.failed ??= error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
