import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';

/**
 * GET Object served straight from s3rver's files. s3rver answers a GET through a Koa router, five middlewares (CORS
 * and website configs read from disk on every request, its logger) and about ten asynchronous file-system calls: about
 * 1.7 ms of the emulator's CPU per object, three times what the reader spends analyzing it (the COS benchmark). This
 * middleware answers the plain case the same way, byte for byte, with a few synchronous reads: an authenticated GET
 * of one object, no query string, no conditional headers, a `bytes=N-[M]` range at most, in a bucket with no CORS or
 * website configuration. It runs after the request guard and the authentication (cosGuard.ts, cosIam.ts), and runs
 * s3rver's own authentication middleware too, so that every check s3rver makes (time skew, the header's form) still
 * holds. Anything else, and every failure (no such key, an unreadable file), goes on to s3rver, which answers it as
 * before. The headers and their order are s3rver's (its S3Object model and header capitalization).
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3Object: new (bucket: string, key: string, content: unknown, metadata: Record<string, string | number>) => { metadata: Record<string, string> } = require('s3rver/lib/models/object');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { capitalizeHeader } = require('s3rver/lib/utils') as { capitalizeHeader(header: string): string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const s3rverAuthentication = (require('s3rver/lib/middleware/authentication') as () => (ctx: KoaContext, next: Next) => Promise<void>)();

type KoaContext = any;
type Next = () => Promise<void>;

interface Store {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
}

/** Larger objects are streamed by s3rver rather than read whole here. */
const MAX_DIRECT_BYTES = 16 * 1024 * 1024;
/** FilesystemStore's resource name of an object's body (`<name>._S3rver_object`). */
const OBJECT = 'object';
/** Request headers that make s3rver answer otherwise than with the object (304s, website redirects). */
const DECLINED_HEADERS = ['if-none-match', 'if-modified-since', 'x-amz-website-redirect-location', 'origin'];

/** The bucket and key of `GET /<bucket>/<key>` as s3rver's router takes them, or undefined for any other shape. */
function objectOf(path: string): { bucket: string; key: string } | undefined {
  const slash = path.indexOf('/', 1);
  if (slash < 2 || slash === path.length - 1) return undefined;
  const rawKey = path.slice(slash + 1);
  // The router's `:key+` takes non-empty segments only; a trailing `/` is appended again by its key param handler.
  if (rawKey.includes('//') || rawKey.endsWith('/')) return undefined;
  try {
    return { bucket: decodeURIComponent(path.slice(1, slash)), key: decodeURIComponent(rawKey) };
  } catch {
    return undefined;
  }
}

/** `bytes=N-` or `bytes=N-M` as s3rver reads it, or undefined (no range); `false` for any other form. */
function rangeOf(header: string): { start: number; end?: number } | undefined | false {
  if (header === '') return undefined;
  const m = /^bytes=(\d+)-(\d*)$/.exec(header);
  return m ? { start: Number(m[1]), ...(m[2] !== '' ? { end: Number(m[2]) } : {}) } : false;
}

function readObject(path: string): { body: Buffer; mtime: Date } | undefined {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_DIRECT_BYTES) return undefined;
    const body = Buffer.allocUnsafe(stat.size);
    let at = 0;
    while (at < body.length) {
      const n = readSync(fd, body, at, body.length - at, at);
      if (n === 0) return undefined; // shrank while read: s3rver decides
      at += n;
    }
    return { body, mtime: stat.mtime };
  } finally {
    closeSync(fd);
  }
}

/** What s3rver would answer with the object, or undefined when s3rver must answer. */
function directAnswer(ctx: KoaContext, store: Store): { status: number; headers: Array<[string, string]>; body: Buffer } | undefined {
  const target = objectOf(String(ctx.path));
  const range = rangeOf(ctx.get('range'));
  if (!target || range === false) return undefined;
  const { bucket, key } = target;
  // One confined path each for the bucket and the object (cosGuard.ts); the siblings are s3rver's suffixes beside them.
  const bucketConfig = store.getResourcePath(bucket, undefined, '');
  // s3rver reads these bucket configurations on every request; with either, its answer may differ.
  if (existsSync(`${bucketConfig}cors.xml`) || existsSync(`${bucketConfig}website.xml`)) return undefined;
  const objectPath = store.getResourcePath(bucket, key, OBJECT);
  let object;
  let stored: Record<string, string>;
  let md5: string;
  try {
    object = readObject(objectPath);
    // s3rver writes a missing .md5 file on read, and treats missing metadata as none: both left to it.
    md5 = readFileSync(`${objectPath}.md5`, 'utf8');
    stored = JSON.parse(readFileSync(`${objectPath.slice(0, -OBJECT.length)}metadata.json`, 'utf8'));
  } catch {
    return undefined;
  }
  if (!object) return undefined;
  const size = object.body.length;
  // As FilesystemStore.getMetadata and the S3Object model build them: stored headers, ETag, Last-Modified, length.
  const { metadata } = new S3Object(bucket, key, null, { ...stored, etag: JSON.stringify(md5), 'last-modified': object.mtime.toUTCString(), 'content-length': size });
  const headers: Array<[string, string]> = [['Accept-Ranges', 'bytes'], ...Object.entries(metadata).map(([name, value]): [string, string] => [capitalizeHeader(name), String(value)])];
  if (!range) return { status: 200, headers, body: object.body };
  // FilesystemStore.getObject's arithmetic; an unsatisfiable range, an `end` of 0 (s3rver reads it as none) and an
  // empty object go to s3rver.
  const lastByte = size - 1;
  const end = Math.min(range.end ?? Infinity, lastByte);
  if (size === 0 || range.end === 0 || end < range.start) return undefined;
  headers.push(['Content-Range', `bytes ${range.start}-${end}/${size}`]);
  return { status: 206, headers, body: object.body.subarray(range.start, end + 1) };
}

/**
 * Koa middleware, after the guard and the authentication. `enabled()` is read per request: tests and the benchmark
 * compare these answers with s3rver's own.
 */
export function directObjectGets(store: () => Store, enabled: () => boolean) {
  return async function directGet(ctx: KoaContext, next: Next): Promise<void> {
    const authenticated = ctx.state.sigv4 !== undefined || ctx.state.bearer === true;
    if (ctx.method !== 'GET' || !authenticated || ctx.querystring !== '' || !enabled() || DECLINED_HEADERS.some((h) => ctx.get(h) !== '')) return next();
    let answer;
    try {
      answer = directAnswer(ctx, store());
      // s3rver's own checks of a signed request (one mechanism, the header's parts, x-amz-content-sha256, time skew).
      if (answer) await s3rverAuthentication(Object.assign(ctx, { params: { bucket: objectOf(String(ctx.path))!.bucket } }), async () => undefined);
    } catch {
      answer = undefined;
    }
    if (!answer) return next();
    for (const [name, value] of answer.headers) ctx.set(name, value);
    ctx.length = answer.body.length;
    ctx.status = answer.status;
    ctx.body = answer.body;
  };
}
