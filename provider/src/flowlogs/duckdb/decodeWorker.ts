/**
 * A decode worker (worker_threads) of decodePool.ts: gunzips and decodes objects as decode.ts does on the main
 * thread, and sends back the header and the packed records (transferred, not copied), or the object's problems.
 */
import { parentPort } from 'node:worker_threads';
import { decodeObject } from '../decode';
import { headerOf } from '../document';
import { packedRecordsOf } from '../packed';
import type { DecodeRequest, DecodeResponse } from './decodePool';

parentPort!.on('message', ({ id, gz, limits }: DecodeRequest) => {
  let response: DecodeResponse;
  try {
    const r = decodeObject(Buffer.from(gz.buffer, gz.byteOffset, gz.byteLength), limits);
    if (r.ok) {
      const { count, data } = packedRecordsOf(r.document);
      response = { id, ok: true, header: headerOf(r.document), count, data, jsonBytes: r.jsonBytes };
      parentPort!.postMessage(response, [data.buffer as ArrayBuffer]);
      return;
    }
    response = { id, ok: false, kind: r.kind, problems: r.problems, ...(r.jsonBytes !== undefined ? { jsonBytes: r.jsonBytes } : {}) };
  } catch (error) {
    response = { id, ok: false, kind: 'read', problems: [{ path: '', reason: `could not be decoded: ${(error as Error).message}` }] };
  }
  parentPort!.postMessage(response);
});
