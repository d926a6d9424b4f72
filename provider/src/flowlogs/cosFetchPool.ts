/**
 * Object GETs on worker threads, each with its own ibm-cos-sdk client (cosFetchWorker.ts): the SDK's per-request work
 * (building, signing, its listeners, the HTTP exchange) is about as much CPU per object as decoding and analyzing
 * it, so off the reader's thread the two run side by side (the COS benchmark, bench/flowlogs.ts). Bodies come back
 * transferred, not copied; the reader's thread decodes them as it decodes a local file's bytes.
 */
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { CosClient, CosConfig } from '../ibm/cos';
import { WorkerPool } from './workerPool';

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
  private readonly pool: WorkerPool<Omit<FetchRequest, 'id'>, FetchResponse>;

  constructor(config: CosConfig, bucket: string, size: number) {
    // Held only while it has GETs pending.
    this.pool = new WorkerPool(join(__dirname, 'cosFetchWorker.js'), size, 'COS fetch worker', { workerData: { config, bucket } satisfies FetchWorkerData, unrefWhenIdle: true });
  }

  /** The object's stored bytes, by the least busy worker; undefined when over `max`. */
  async get(key: string, max: number): Promise<Buffer | undefined> {
    const m = await this.pool.send({ key, max });
    if (m.ok) return Buffer.from(m.body.buffer, m.body.byteOffset, m.body.byteLength);
    if ('tooLarge' in m) return undefined;
    throw Object.assign(new Error(m.error.message), m.error.code !== undefined ? { code: m.error.code } : {}, m.error.statusCode !== undefined ? { statusCode: m.error.statusCode } : {});
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
