/**
 * Object GETs on worker threads, each with its own ibm-cos-sdk client (cosFetchWorker.ts): the SDK's per-request work
 * (building, signing, its listeners, the HTTP exchange) is about as much CPU per object as decoding and analyzing
 * it, so off the reader's thread the two run side by side (the COS benchmark, bench/flowlogs.ts). Bodies come back
 * transferred, not copied; the reader's thread decodes them as it decodes a local file's bytes.
 */
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { CosClient, CosConfig } from '../ibm/cos';

/** ibm-cos-sdk options of GET-only clients: no parameters to validate, no bodies to checksum, no fields to convert. */
export const GET_ONLY = { paramValidation: false, computeChecksums: false, convertResponseTypes: false };

/** Reads a stream whole, refusing more than `max` bytes (undefined then). */
export function collect(source: Readable, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    source.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        source.destroy();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    source.on('error', reject);
    source.on('end', () => resolve(Buffer.concat(chunks, size)));
  });
}

/** An object's body read whole, or undefined past `max` bytes. */
export function getWhole(client: CosClient, bucket: string, key: string, max: number): Promise<Buffer | undefined> {
  return collect(client.getObject({ Bucket: bucket, Key: key }).createReadStream(), max);
}

export interface FetchRequest {
  id: number;
  key: string;
  /** Bytes past which the body is not read (the answer is then `tooLarge`). */
  max: number;
}

export type FetchResponse =
  | { id: number; ok: true; body: Uint8Array }
  | { id: number; ok: false; tooLarge: true }
  | { id: number; ok: false; error: { message: string; code?: string; statusCode?: number } };

export interface FetchWorkerData {
  config: CosConfig;
  bucket: string;
}

export class CosFetchPool {
  private readonly workers: Worker[] = [];
  private readonly load: number[] = [];
  private readonly pending = new Map<number, { worker: number; resolve: (body: Buffer | undefined) => void; reject: (e: Error) => void }>();
  private next = 0;
  private failed?: Error;

  constructor(config: CosConfig, bucket: string, size: number) {
    for (let i = 0; i < Math.max(1, size); i++) {
      const worker = new Worker(join(__dirname, 'cosFetchWorker.js'), { workerData: { config, bucket } satisfies FetchWorkerData });
      worker.on('message', (m: FetchResponse) => this.settle(m));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => code !== 0 && this.fail(new Error(`a COS fetch worker exited with code ${code}`)));
      worker.unref(); // held only while it has GETs pending
      this.workers.push(worker);
      this.load.push(0);
    }
  }

  /** The object's stored bytes, by the least busy worker; undefined when over `max`. */
  get(key: string, max: number): Promise<Buffer | undefined> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.next++;
    let worker = 0;
    for (let i = 1; i < this.load.length; i++) if (this.load[i] < this.load[worker]) worker = i;
    if (this.load[worker]++ === 0) this.workers[worker].ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { worker, resolve, reject });
      this.workers[worker].postMessage({ id, key, max } satisfies FetchRequest);
    });
  }

  private settle(m: FetchResponse): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (--this.load[p.worker] === 0) this.workers[p.worker].unref();
    if (m.ok) p.resolve(Buffer.from(m.body.buffer, m.body.byteOffset, m.body.byteLength));
    else if ('tooLarge' in m) p.resolve(undefined);
    else p.reject(Object.assign(new Error(m.error.message), m.error.code !== undefined ? { code: m.error.code } : {}, m.error.statusCode !== undefined ? { statusCode: m.error.statusCode } : {}));
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
