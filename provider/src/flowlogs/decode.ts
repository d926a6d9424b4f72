/**
 * One object's bytes to a document, or a per-object error: not gzip, not JSON (truncated, most likely), not a
 * flow-log document, or over the per-object budget. The fast decoder (scan.ts) goes first; when it gives up, the
 * bounded parser (parse.ts) and the validator decide and explain. Nothing here throws for bad input, and no input
 * costs more than the budget allows: at most `maxJsonBytes` decompressed, at most `maxRecords` records built, and
 * fields the format does not have are skipped without being built.
 */
import { gunzipSync } from 'node:zlib';
import { validateDocument, type FlowLogDocument, type Problem } from './document';
import { parseDocumentJson } from './parse';
import { scanDocument, TOO_MANY_RECORDS } from './scan';

/**
 * What went wrong with one object: `gzip` (corrupt or cut-off gzip stream), `json` (not JSON after gunzip),
 * `document` (JSON, but not a valid flow-log document), `too-large` (over the per-object budget), `key` (the key is
 * not in the flow-log layout), `read` (the object could not be read).
 */
export type ObjectErrorKind = 'gzip' | 'json' | 'document' | 'too-large' | 'key' | 'read';

export type DecodeResult =
  | { ok: true; document: FlowLogDocument; jsonBytes: number }
  | { ok: false; kind: ObjectErrorKind; problems: Problem[]; jsonBytes?: number };

/** The per-object budget: what one object may cost to decode. */
export interface ObjectLimits {
  /** Decompressed bytes. */
  maxJsonBytes: number;
  /** Records in `flow_logs`. */
  maxRecords: number;
}

/**
 * Defaults far above real objects (the service writes one about every 5 minutes per interface, and sooner when its
 * flows reach 100 KB) and far below what would exhaust a process: 64 MiB and 1,000,000 records.
 */
export const DEFAULT_LIMITS: Readonly<ObjectLimits> = { maxJsonBytes: 64 * 1024 * 1024, maxRecords: 1_000_000 };
export const DEFAULT_MAX_JSON_BYTES = DEFAULT_LIMITS.maxJsonBytes;

const mib = (bytes: number) => (bytes % 1048576 === 0 ? `${bytes / 1048576} MiB` : `${bytes.toLocaleString('en-US')} bytes`);

/** The too-large failures, worded once for every path that finds them. */
export function tooLarge(what: 'bytes' | 'records', limits: ObjectLimits, jsonBytes?: number): DecodeResult {
  const reason =
    what === 'bytes'
      ? `the decompressed document is larger than the per-object budget of ${mib(limits.maxJsonBytes)}`
      : `flow_logs holds more than the per-object budget of ${limits.maxRecords.toLocaleString('en-US')} records`;
  return { ok: false, kind: 'too-large', problems: [{ path: '', reason }], ...(jsonBytes !== undefined ? { jsonBytes } : {}) };
}

const limitsOf = (limits: Partial<ObjectLimits> | number | undefined): ObjectLimits =>
  typeof limits === 'number' ? { ...DEFAULT_LIMITS, maxJsonBytes: limits } : { ...DEFAULT_LIMITS, ...limits };

/** The decompressed bytes of one object as a document. */
export function decodeJson(bytes: Buffer, limitsIn?: Partial<ObjectLimits>): DecodeResult {
  const limits = limitsOf(limitsIn);
  const jsonBytes = bytes.length;
  if (jsonBytes > limits.maxJsonBytes) return tooLarge('bytes', limits, jsonBytes);
  const fast = scanDocument(bytes, limits.maxRecords);
  if (fast === TOO_MANY_RECORDS) return tooLarge('records', limits, jsonBytes);
  if (fast) return { ok: true, document: fast, jsonBytes };
  if (jsonBytes === 0) return { ok: false, kind: 'json', jsonBytes, problems: [{ path: '', reason: 'not valid JSON: the object is empty after gunzip' }] };
  const parsed = parseDocumentJson(bytes, limits.maxRecords);
  if (!parsed.ok) {
    if ('tooManyRecords' in parsed) return tooLarge('records', limits, jsonBytes);
    const found = parsed.ended ? 'the end of the document' : `${JSON.stringify(String.fromCharCode(bytes[parsed.at]))}`;
    const reason = `not valid JSON (unexpected ${found} at position ${parsed.at})${parsed.ended ? ': the document ends early, so the object is probably truncated' : ''}`;
    return { ok: false, kind: 'json', jsonBytes, problems: [{ path: '', reason }] };
  }
  const v = validateDocument(parsed.value);
  return v.ok ? { ok: true, document: v.document, jsonBytes } : { ok: false, kind: 'document', jsonBytes, problems: v.problems };
}

/** A zlib failure as a per-object problem. */
export function gzipFailure(error: Error & { code?: string }, limits: ObjectLimits = DEFAULT_LIMITS): DecodeResult {
  if (error?.code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) return tooLarge('bytes', limits);
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
export function chunkSizeFor(gz: Buffer, max: number): number {
  const DEFAULT = 64 * 1024;
  if (gz.length < 18) return DEFAULT;
  const isize = gz.readUInt32LE(gz.length - 4);
  return Math.max(DEFAULT, Math.min(isize + 1, max + 1, 64 * 1024 * 1024));
}

/**
 * The stored (gzip) bytes of one object as a document. `limits` may be a number: the decompressed-size budget
 * alone (the form of earlier versions).
 */
export function decodeObject(gz: Buffer, limitsIn?: Partial<ObjectLimits> | number): DecodeResult {
  const limits = limitsOf(limitsIn);
  let bytes: Buffer;
  try {
    bytes = gunzipSync(gz, { maxOutputLength: limits.maxJsonBytes, chunkSize: chunkSizeFor(gz, limits.maxJsonBytes) });
  } catch (error) {
    return gzipFailure(error as Error, limits);
  }
  return decodeJson(bytes, limits);
}
