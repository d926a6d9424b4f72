/**
 * One object's bytes to a document, or a per-object error: not gzip, not JSON (truncated, most likely), not a
 * flow-log document. The fast decoder (scan.ts) goes first; when it gives up, JSON.parse and the validator decide
 * and explain. Nothing here throws for bad input.
 */
import { gunzipSync } from 'node:zlib';
import { validateDocument, type FlowLogDocument, type Problem } from './document';
import { scanDocument } from './scan';

/**
 * What went wrong with one object: `gzip` (corrupt or cut-off gzip stream), `json` (not JSON after gunzip),
 * `document` (JSON, but not a valid flow-log document), `too-large` (past the size limit), `key` (the key is not
 * in the flow-log layout), `read` (the object could not be read).
 */
export type ObjectErrorKind = 'gzip' | 'json' | 'document' | 'too-large' | 'key' | 'read';

export type DecodeResult =
  | { ok: true; document: FlowLogDocument; jsonBytes: number }
  | { ok: false; kind: ObjectErrorKind; problems: Problem[]; jsonBytes?: number };

/** The largest decompressed document accepted by default (real objects are about 100 KB). */
export const DEFAULT_MAX_JSON_BYTES = 256 * 1024 * 1024;

/** The decompressed bytes of one object as a document. */
export function decodeJson(bytes: Buffer): DecodeResult {
  const jsonBytes = bytes.length;
  const fast = scanDocument(bytes);
  if (fast) return { ok: true, document: fast, jsonBytes };
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return { ok: false, kind: 'json', jsonBytes, problems: [{ path: '', reason: jsonReason(error as Error, bytes) }] };
  }
  const v = validateDocument(value);
  return v.ok ? { ok: true, document: v.document, jsonBytes } : { ok: false, kind: 'document', jsonBytes, problems: v.problems };
}

/** JSON.parse's complaint, with the likely cause when the text simply stops. */
function jsonReason(error: Error, bytes: Buffer): string {
  const message = String(error?.message ?? error);
  if (bytes.length === 0) return 'not valid JSON: the object is empty after gunzip';
  const at = /at position (\d+)/.exec(message);
  const truncated = /end of JSON input|Unterminated string/i.test(message) || (at !== null && Number(at[1]) >= bytes.toString('utf8').length - 1);
  return `not valid JSON (${message})${truncated ? ': the document ends early, so the object is probably truncated' : ''}`;
}

/** A zlib failure as a per-object problem. */
export function gzipFailure(error: Error & { code?: string }): DecodeResult {
  if (error?.code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
    return { ok: false, kind: 'too-large', problems: [{ path: '', reason: `the decompressed document is too large (${error.message})` }] };
  }
  const cutOff = error?.code === 'Z_BUF_ERROR' || /unexpected end/i.test(error?.message ?? '');
  return {
    ok: false,
    kind: 'gzip',
    problems: [{ path: '', reason: `not a valid gzip stream (${error?.message ?? String(error)})${cutOff ? ': the object is cut off' : ''}` }],
  };
}

/**
 * An output chunk size that holds the whole document when the gzip trailer tells its size (ISIZE, the size modulo
 * 2^32), so that zlib writes one buffer instead of concatenating 16 KB chunks. Only a hint: zlib still checks.
 */
function chunkSizeFor(gz: Buffer, max: number): number {
  const DEFAULT = 64 * 1024;
  if (gz.length < 18) return DEFAULT;
  const isize = gz.readUInt32LE(gz.length - 4);
  return Math.max(DEFAULT, Math.min(isize + 1, max + 1, 64 * 1024 * 1024));
}

/** The stored (gzip) bytes of one object as a document. */
export function decodeObject(gz: Buffer, maxJsonBytes = DEFAULT_MAX_JSON_BYTES): DecodeResult {
  let bytes: Buffer;
  try {
    bytes = gunzipSync(gz, { maxOutputLength: maxJsonBytes, chunkSize: chunkSizeFor(gz, maxJsonBytes) });
  } catch (error) {
    return gzipFailure(error as Error);
  }
  return decodeJson(bytes);
}
