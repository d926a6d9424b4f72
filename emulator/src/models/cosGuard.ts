import { isAbsolute, relative, resolve } from 'node:path';
import { refusal, type GuardSettings } from '../http/requestGuard';
import { bucketNameProblem } from './bucketNames';

/**
 * COS's share of the emulator's guards. s3rver keeps a bucket as a folder and an object as files named after its
 * key, joined with `path.join`: a bucket name `..` or a key segment `..` would reach outside its folder, and an
 * upload id from the query string too. So the HTTP side refuses foreign hosts and origins (requestGuard.ts), bucket
 * names that break COS's rules, keys with `.` or `..` segments and upload ids that are not s3rver's own, before
 * s3rver sees the request; and the store itself refuses any path that would leave its folder.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3Error: new (code: string, message: string, detail?: object) => Error = require('s3rver/lib/models/error');

type KoaContext = any;
type Next = () => Promise<void>;

const decode = (s: string): string | undefined => {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
};

/** Why an object key cannot be stored as files, or undefined. */
export function keyProblem(key: string): string | undefined {
  return key.split('/').some((part) => part === '.' || part === '..')
    ? `Object key ${JSON.stringify(key.slice(0, 80))} has a "." or ".." segment, which the emulator's COS (objects kept as files) does not store.`
    : undefined;
}

/** Koa middleware, first in s3rver's chain. `settings` is read per request: the port is known once COS listens. */
export function cosRequestGuard(settings: () => GuardSettings) {
  return async function guard(ctx: KoaContext, next: Next): Promise<void> {
    const origin: string | undefined = ctx.get('origin') || undefined;
    const refused = refusal(ctx.get('host') || undefined, origin, settings());
    if (refused) throw new S3Error('AccessDenied', refused.message);
    const [, rawBucket = '', ...rawKey] = String(ctx.path).split('/');
    if (rawBucket !== '') {
      const bucket = decode(rawBucket);
      const problem = bucket === undefined ? 'The bucket name is not valid percent-encoding.' : bucketNameProblem(bucket);
      if (problem) throw new S3Error('InvalidBucketName', problem.endsWith('.') ? problem : `${problem}.`, { BucketName: rawBucket.slice(0, 80) });
    }
    const key = rawKey.length > 0 ? decode(rawKey.join('/')) : '';
    const problem = key === undefined ? 'The object key is not valid percent-encoding.' : keyProblem(key);
    if (problem) throw new S3Error('InvalidArgument', problem, { ArgumentName: 'key' });
    const uploadId = ctx.query?.uploadId;
    if (uploadId !== undefined && !/^[0-9A-Za-z]{1,128}$/.test(String(uploadId))) throw new S3Error('NoSuchUpload', 'The specified upload does not exist.', { UploadId: String(uploadId).slice(0, 80) });
    return next();
  };
}

interface Store {
  getBucketPath(bucket: string): string;
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  [method: string]: unknown;
}

/** Makes s3rver's file store refuse every path outside `root` (and an upload id that would lead there). */
export function confineStore(store: Store, root: string): void {
  const within = (folder: string, path: string, what: string): string => {
    const rel = relative(resolve(folder), resolve(path));
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new S3Error('InvalidArgument', `The ${what} leads outside the emulator's COS folder.`);
    return path;
  };
  const bucketPath = store.getBucketPath.bind(store);
  const resourcePath = store.getResourcePath.bind(store);
  store.getBucketPath = (bucket) => within(root, bucketPath(bucket), `bucket name ${JSON.stringify(bucket)}`);
  // A key's files stay inside its bucket's folder, not merely inside COS's.
  store.getResourcePath = (bucket, key, resource) => within(store.getBucketPath(bucket), resourcePath(bucket, key, resource), `key ${JSON.stringify(key ?? '')} of bucket ${JSON.stringify(bucket)}`);
  for (const method of ['initiateUpload', 'putPart', 'putObjectMultipart'] as const) {
    const original = store[method] as (bucket: string, ...rest: unknown[]) => Promise<unknown>;
    if (typeof original !== 'function') continue;
    // The upload id (initiateUpload's third argument, the others' second) is joined into a path below the bucket.
    store[method] = (bucket: string, second: unknown, ...rest: unknown[]) => {
      const uploadId = method === 'initiateUpload' ? rest[0] : second;
      if (!/^[0-9A-Za-z]{1,128}$/.test(String(uploadId))) return Promise.reject(new S3Error('NoSuchUpload', 'The specified upload does not exist.'));
      return original.call(store, bucket, second, ...rest);
    };
  }
}
