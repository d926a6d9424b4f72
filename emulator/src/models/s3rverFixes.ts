import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { checksumProblem, decodeAwsChunked, STREAMING_MODES, type ChunkSigning, type StreamingMode } from './awsChunked';

/**
 * Three gaps in s3rver 3.7 that the emulator's COS closes, so that IBM's COS SDK meets a COS that behaves like IBM's:
 *
 * 1. s3rver does not verify Signature Version 4 (its source: "Signature version 4 calculation is unimplemented"): any
 *    secret was accepted with a known access key id, and unsigned requests were served anonymously.
 *    {@link verifySignatureV4} checks the signature (Authorization header or presigned query) against the key's secret,
 *    and refuses unsigned requests with AccessDenied, as a private COS bucket does.
 * 2. s3rver's ListObjectsV2 continuation tokens are DES-encrypted, and Node's OpenSSL 3 has no DES: every truncated V2
 *    listing answered InternalError. {@link patchListObjectsV2} serves V2 listings through s3rver's V1 code path with
 *    continuation tokens of our own.
 * 3. s3rver stores an `aws-chunked` body as it arrives, chunk framing and trailers included (AWS SDK v3 streams every
 *    upload of unknown length that way), so a 200,000-byte stream was stored as 200,045 bytes.
 *    {@link decodeAwsChunkedUploads} decodes it first (awsChunked.ts), checking chunk and trailer signatures and
 *    checksum trailers, as S3 and COS do.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3Error: new (code: string, message: string, detail?: object) => Error = require('s3rver/lib/models/error');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AWSAccount = require('s3rver/lib/models/account') as { registry: Map<string, { accessKeys: Map<string, string> }> };

type KoaContext = any;
type Next = () => Promise<void>;

const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** Koa middleware, first in s3rver's chain. Signature V2 requests are left to s3rver, which does verify those. */
export async function verifySignatureV4(ctx: KoaContext, next: Next): Promise<void> {
  const rawUrl: string = ctx.req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const pairs = (q < 0 ? '' : rawUrl.slice(q + 1))
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      return eq < 0 ? [decode(p), ''] : [decode(p.slice(0, eq)), decode(p.slice(eq + 1))];
    });
  const query = new Map(pairs.map(([k, v]) => [k, v]));
  const authorization: string = ctx.get('authorization');
  const presigned = query.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256';

  if (!authorization && !query.has('X-Amz-Algorithm') && !query.has('Signature')) {
    if (ctx.method === 'OPTIONS') return next(); // CORS preflight carries no credentials
    throw new S3Error('AccessDenied', 'Access Denied: the request is not signed with the HMAC credentials of this COS instance.');
  }
  let credential: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  let amzDate: string | undefined;
  if (authorization.startsWith('AWS4-HMAC-SHA256 ')) {
    const parts = new Map(
      authorization
        .slice('AWS4-HMAC-SHA256 '.length)
        .split(',')
        .map((c) => c.trim().split('=') as [string, string]),
    );
    credential = parts.get('Credential');
    signedHeaders = parts.get('SignedHeaders');
    signature = parts.get('Signature');
    amzDate = ctx.get('x-amz-date') || undefined;
  } else if (!authorization && presigned) {
    credential = query.get('X-Amz-Credential');
    signedHeaders = query.get('X-Amz-SignedHeaders');
    signature = query.get('X-Amz-Signature');
    amzDate = query.get('X-Amz-Date');
  } else {
    return next(); // signature V2, or a form s3rver refuses on its own
  }
  const scope = credential?.split('/') ?? [];
  const secret = AWSAccount.registry.get(scope[0])?.accessKeys.get(scope[0]);
  // Malformed parts and unknown keys: s3rver answers those (AuthorizationHeaderMalformed, InvalidAccessKeyId, …).
  if (!secret || scope.length !== 5 || !signedHeaders || !signature || !amzDate) return next();

  const canonicalQuery = pairs
    .filter(([k]) => !(presigned && k === 'X-Amz-Signature'))
    .map(([k, v]) => [rfc3986(k), rfc3986(v)])
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const headerNames = signedHeaders.split(';');
  const canonicalHeaders = headerNames.map((h) => `${h}:${String(ctx.req.headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const payloadHash = presigned ? 'UNSIGNED-PAYLOAD' : ctx.get('x-amz-content-sha256') || 'UNSIGNED-PAYLOAD';
  const canonicalRequest = [ctx.method, rawPath, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope.slice(1).join('/'), sha256(canonicalRequest)].join('\n');
  const key = [scope[1], scope[2], scope[3], scope[4]].reduce<Buffer | string>((k, part) => hmac(k, part), `AWS4${secret}`);
  const expected = Buffer.from(hmac(key, stringToSign).toString('hex'));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new S3Error(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      { AWSAccessKeyId: scope[0] },
    );
  }
  // A signed aws-chunked body chains its chunk signatures from this one.
  const signing: ChunkSigning = { key: key as Buffer, amzDate, scope: scope.slice(1).join('/'), seedSignature: signature };
  ctx.state.sigv4 = signing;
  return next();
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Koa middleware after {@link verifySignatureV4}: an upload whose `x-amz-content-sha256` is one of the streaming
 * modes is decoded before s3rver sees it, and s3rver then stores the object's own bytes, with the decoded length and
 * without `aws-chunked` in its Content-Encoding (S3 drops it: it describes the transfer, not the object).
 */
export async function decodeAwsChunkedUploads(ctx: KoaContext, next: Next): Promise<void> {
  const mode = ctx.get('x-amz-content-sha256') as StreamingMode;
  if (!STREAMING_MODES.includes(mode)) {
    if (/^STREAMING-/.test(mode)) throw new S3Error('InvalidRequest', `x-amz-content-sha256 "${mode.slice(0, 60)}" is not supported; use one of ${STREAMING_MODES.join(', ')}.`);
    return next();
  }
  const declared = ctx.get('x-amz-decoded-content-length');
  if (!/^\d+$/.test(declared)) throw new S3Error('MissingContentLength', 'An aws-chunked upload needs the x-amz-decoded-content-length header.');
  const result = decodeAwsChunked(await readAll(ctx.req), mode, ctx.state.sigv4);
  if (!result.ok) throw new S3Error(result.code, result.message);
  if (result.data.length !== Number(declared)) {
    throw new S3Error('IncompleteBody', `x-amz-decoded-content-length says ${declared} bytes; the chunks hold ${result.data.length}.`);
  }
  const digest = checksumProblem(result.data, ctx.req.headers);
  if (digest) throw new S3Error('BadDigest', digest);
  const headers = ctx.req.headers as Record<string, string | undefined>;
  headers['content-length'] = String(result.data.length);
  const encodings = String(headers['content-encoding'] ?? '').split(',').map((e) => e.trim()).filter((e) => e !== '' && e !== 'aws-chunked');
  if (encodings.length > 0) headers['content-encoding'] = encodings.join(', ');
  else delete headers['content-encoding'];
  // s3rver's PUT Object and Upload Part read the body from ctx.req; its headers stay on ctx.request.req.
  ctx.req = Object.assign(Readable.from([result.data], { objectMode: false }), { headers, url: ctx.req.url, method: ctx.req.method });
  return next();
}

function continuationToken(bucket: string, key: string): string {
  return Buffer.from(JSON.stringify([bucket, key]), 'utf8').toString('base64url');
}

function readContinuationToken(bucket: string, token: string): string | undefined {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value[0] === bucket && typeof value[1] === 'string') return value[1];
  } catch {
    // fall through
  }
  return undefined;
}

let listPatched = false;

/** Replaces s3rver's GET Bucket controller once per process (routes.js calls it through the module's exports). */
export function patchListObjectsV2(): void {
  if (listPatched) return;
  listPatched = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const controller = require('s3rver/lib/controllers/bucket') as { getBucket(ctx: KoaContext): Promise<void> };
  const original = controller.getBucket;
  controller.getBucket = async function getBucket(ctx: KoaContext): Promise<void> {
    const query = { ...ctx.query } as Record<string, string>;
    if (query['list-type'] !== '2') return original(ctx);
    if ('marker' in query) throw new S3Error('InvalidArgument', 'Marker unsupported with REST.GET.BUCKET in list-type=2', { ArgumentName: 'marker' });
    const bucket: string = ctx.params.bucket;
    const token = query['continuation-token'];
    let startAfter: string | undefined = query['start-after'];
    if (token) {
      startAfter = readContinuationToken(bucket, token);
      if (startAfter === undefined) throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', { ArgumentName: 'continuation-token' });
    }
    const fetchOwner = query['fetch-owner'] === 'true';
    const v1: Record<string, string> = { ...query };
    for (const name of ['list-type', 'continuation-token', 'start-after', 'fetch-owner']) delete v1[name];
    if (startAfter) v1.marker = startAfter;
    ctx.query = v1;
    await original(ctx);
    const r = ctx.body?.ListBucketResult;
    if (!r) return;
    const contents: Array<{ Key: string; Owner?: unknown }> = r.Contents ?? [];
    const prefixes: Array<{ Prefix: string }> = r.CommonPrefixes ?? [];
    // After a common prefix, the next page starts past every key under it.
    const last = [...contents.map((c) => c.Key), ...prefixes.map((p) => `${p.Prefix}\uffff`)].sort().at(-1);
    ctx.body = {
      ListBucketResult: {
        '@': r['@'],
        Name: r.Name,
        Prefix: r.Prefix,
        StartAfter: token ? undefined : query['start-after'],
        ContinuationToken: token || undefined,
        NextContinuationToken: r.IsTruncated && last !== undefined ? continuationToken(bucket, last) : undefined,
        KeyCount: contents.length + prefixes.length,
        MaxKeys: r.MaxKeys,
        Delimiter: r.Delimiter,
        IsTruncated: r.IsTruncated,
        Contents: contents.map((c) => ({ ...c, Owner: fetchOwner ? c.Owner : undefined })),
        CommonPrefixes: prefixes,
      },
    };
  };
}
