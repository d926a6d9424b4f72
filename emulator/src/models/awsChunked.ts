import { createHash, createHmac } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * The `aws-chunked` content encoding S3 clients stream uploads with (AWS's "Signature Version 4: chunked upload"):
 *
 *   <hex size>[;chunk-signature=<sig>]\r\n<data>\r\n … 0[;chunk-signature=<sig>]\r\n[<trailer>:<value>\r\n…][x-amz-trailer-signature:<sig>\r\n]\r\n
 *
 * `x-amz-content-sha256` names the variant: STREAMING-UNSIGNED-PAYLOAD-TRAILER (AWS SDK v3's default for streams),
 * STREAMING-AWS4-HMAC-SHA256-PAYLOAD (each chunk signed, chained from the request's signature) and
 * STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER (signed chunks and a signed trailer). Pure: bytes in, the object's bytes
 * (or the S3 error code to answer) out.
 */

export const STREAMING_MODES = ['STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'] as const;
export type StreamingMode = (typeof STREAMING_MODES)[number];

/** What verifies signed chunks: the request's signing key, date, scope and (seed) signature. */
export interface ChunkSigning {
  key: Buffer;
  amzDate: string;
  scope: string;
  seedSignature: string;
}

export type ChunkedResult =
  | { ok: true; data: Buffer; trailers: Record<string, string> }
  | { ok: false; code: 'IncompleteBody' | 'InvalidRequest' | 'SignatureDoesNotMatch' | 'BadDigest'; message: string };

const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const hmacHex = (key: Buffer, text: string) => createHmac('sha256', key).update(text, 'utf8').digest('hex');

/** The checksum trailers Node can compute; others (crc32c, crc64nvme) are passed through unchecked. */
const CHECKSUMS: Record<string, (data: Buffer) => string> = {
  'x-amz-checksum-crc32': (data) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(crc32(data) >>> 0);
    return b.toString('base64');
  },
  'x-amz-checksum-sha1': (data) => createHash('sha1').update(data).digest('base64'),
  'x-amz-checksum-sha256': (data) => createHash('sha256').update(data).digest('base64'),
};

/** Checks the checksum trailers or headers that Node can compute against the decoded bytes; the first mismatch. */
export function checksumProblem(data: Buffer, values: Record<string, string | undefined>): string | undefined {
  for (const [name, compute] of Object.entries(CHECKSUMS)) {
    const given = values[name];
    if (given !== undefined && compute(data) !== given.trim()) return `The ${name} you specified did not match the calculated checksum.`;
  }
  return undefined;
}

export function decodeAwsChunked(body: Buffer, mode: StreamingMode, signing?: ChunkSigning): ChunkedResult {
  const signed = mode !== 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
  if (signed && !signing) return { ok: false, code: 'InvalidRequest', message: `${mode} needs a Signature Version 4 Authorization header.` };
  const parts: Buffer[] = [];
  let previous = signing?.seedSignature ?? '';
  let at = 0;
  const line = (): string | undefined => {
    const end = body.indexOf('\r\n', at);
    if (end < 0) return undefined;
    const text = body.subarray(at, end).toString('latin1');
    at = end + 2;
    return text;
  };
  const incomplete = (what: string): ChunkedResult => ({ ok: false, code: 'IncompleteBody', message: `The aws-chunked body ended early or is malformed: ${what}.` });

  for (;;) {
    const header = line();
    if (header === undefined) return incomplete('a chunk size line is missing');
    const m = /^([0-9a-fA-F]+)(?:;chunk-signature=([0-9a-f]{64}))?$/.exec(header);
    if (!m) return incomplete(`"${header.slice(0, 80)}" is not a chunk size line`);
    const size = parseInt(m[1], 16);
    if (signed && !m[2]) return { ok: false, code: 'SignatureDoesNotMatch', message: 'A chunk of a signed aws-chunked body has no chunk-signature.' };
    if (at + size > body.length) return incomplete(`a chunk of ${size} bytes has only ${body.length - at}`);
    const chunk = body.subarray(at, at + size);
    at += size;
    if (signed) {
      const toSign = ['AWS4-HMAC-SHA256-PAYLOAD', signing!.amzDate, signing!.scope, previous, EMPTY_SHA256, sha256(chunk)].join('\n');
      const expected = hmacHex(signing!.key, toSign);
      if (expected !== m[2]) return { ok: false, code: 'SignatureDoesNotMatch', message: 'The chunk signature we calculated does not match the chunk-signature you provided.' };
      previous = expected;
    }
    if (size === 0) break;
    parts.push(chunk);
    if (line() !== '') return incomplete('a chunk is not followed by CRLF');
  }

  // Trailers (and for the signed variant, their signature), then the empty line that ends the body.
  const trailers: Record<string, string> = {};
  const trailerLines: string[] = [];
  let trailerSignature: string | undefined;
  for (;;) {
    const text = line();
    if (text === undefined) {
      // No trailer section at all: the body may simply end after the last chunk's CRLF.
      if (trailerLines.length === 0 && at >= body.length) break;
      return incomplete('the trailer section does not end with an empty line');
    }
    if (text === '') break;
    const colon = text.indexOf(':');
    if (colon <= 0) return incomplete(`"${text.slice(0, 80)}" is not a trailer`);
    const name = text.slice(0, colon).trim().toLowerCase();
    const value = text.slice(colon + 1).trim();
    if (name === 'x-amz-trailer-signature') trailerSignature = value;
    else {
      trailers[name] = value;
      trailerLines.push(`${name}:${value}\n`);
    }
  }
  if (mode === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER') {
    const toSign = ['AWS4-HMAC-SHA256-TRAILER', signing!.amzDate, signing!.scope, previous, sha256(trailerLines.join(''))].join('\n');
    if (trailerSignature !== hmacHex(signing!.key, toSign)) return { ok: false, code: 'SignatureDoesNotMatch', message: 'The trailer signature we calculated does not match the x-amz-trailer-signature you provided.' };
  }
  const data = Buffer.concat(parts);
  const digest = checksumProblem(data, trailers);
  if (digest) return { ok: false, code: 'BadDigest', message: digest };
  return { ok: true, data, trailers };
}
