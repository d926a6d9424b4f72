/**
 * A fetch worker (worker_threads) of cosFetchPool.ts: GETs objects with a client of its own, made from the reader's
 * config, reads each body whole up to its limit, and sends it back transferred, or why it could not.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createCosClient } from '../ibm/cos';
import { getWhole, GET_ONLY, type FetchRequest, type FetchResponse, type FetchWorkerData } from './cosFetchPool';

const { config, bucket } = workerData as FetchWorkerData;
const client = createCosClient(config, GET_ONLY);

parentPort!.on('message', ({ id, key, max }: FetchRequest) => {
  getWhole(client, bucket, key, max).then(
    (body) => {
      if (!body) return parentPort!.postMessage({ id, ok: false, tooLarge: true } satisfies FetchResponse);
      // A body of its own buffer (not a slice of a shared pool) is transferred whole.
      const own = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? body : new Uint8Array(body);
      parentPort!.postMessage({ id, ok: true, body: own } satisfies FetchResponse, [own.buffer as ArrayBuffer]);
    },
    (error: Error & { code?: unknown; statusCode?: unknown }) =>
      parentPort!.postMessage({
        id,
        ok: false,
        error: { message: String(error?.message ?? error), ...(typeof error?.code === 'string' ? { code: error.code } : {}), ...(typeof error?.statusCode === 'number' ? { statusCode: error.statusCode } : {}) },
      } satisfies FetchResponse),
  );
});
