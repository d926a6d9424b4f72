/**
 * Bucket locations, as IBM COS names them: a bucket is created with `LocationConstraint` set to a provisioning code
 * `<location>-<storage class>` (`us-south-standard`, `us-south-smart`, `us-cold`, `ams03-vault`), and
 * `GetBucketLocation` answers that code. The location is a cross-region geography (`us`, `eu`, `ap`; the legacy
 * `us-geo`, `eu-geo`, `ap-geo` endpoints' names are taken too), a region (`us-south`), or a single data center
 * (`ams03`). Flow logs need a regional bucket in the collector's region.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3Error: new (code: string, message: string, detail?: object) => Error = require('s3rver/lib/models/error');

export const STORAGE_CLASSES = ['standard', 'smart', 'vault', 'cold', 'flex', 'onerate_active'] as const;
export const CROSS_REGION = ['us', 'eu', 'ap'] as const;
export const LEGACY_CROSS_REGION = ['us-geo', 'eu-geo', 'ap-geo'] as const;
export const REGIONS = ['us-south', 'us-east', 'ca-tor', 'ca-mon', 'br-sao', 'eu-gb', 'eu-de', 'eu-es', 'jp-tok', 'jp-osa', 'au-syd'] as const;
export const SINGLE_SITES = ['ams03', 'che01', 'mil01', 'mon01', 'par01', 'sjc04', 'sng01'] as const;

export type LocationKind = 'cross-region' | 'regional' | 'single-site';

export interface BucketLocation {
  /** The provisioning code, as GetBucketLocation answers it. */
  code: string;
  kind: LocationKind;
  /** `us`, `us-south`, `ams03`. */
  location: string;
  storageClass: string;
}

/**
 * Reads a provisioning code; `region` (the emulator's) counts as a region even when IBM's list lacks it. A bare
 * location (`us-south`) means its `standard` class, as COS takes it.
 */
export function parseLocationConstraint(code: string, region: string): BucketLocation | { problem: string } {
  const legacy = (LEGACY_CROSS_REGION as readonly string[]).includes(code);
  if (legacy) return { code, kind: 'cross-region', location: code.slice(0, 2), storageClass: 'standard' };
  const cls = STORAGE_CLASSES.find((c) => code.endsWith(`-${c}`));
  const location = cls ? code.slice(0, -cls.length - 1) : code;
  const kind: LocationKind | undefined = (CROSS_REGION as readonly string[]).includes(location)
    ? 'cross-region'
    : (REGIONS as readonly string[]).includes(location) || location === region
      ? 'regional'
      : (SINGLE_SITES as readonly string[]).includes(location)
        ? 'single-site'
        : undefined;
  if (!kind) {
    return { problem: `"${code.slice(0, 60)}" is not a COS provisioning code: <location>-<class> with a location of ${[...CROSS_REGION, ...REGIONS, ...SINGLE_SITES].join(', ')} and a class of ${STORAGE_CLASSES.join(', ')} (e.g. ${region}-smart)` };
  }
  return { code: cls ? code : `${code}-standard`, kind, location, storageClass: cls ?? 'standard' };
}

/** What the patched s3rver controllers ask of the emulator's COS for the server that took the request. */
export interface BucketLocationBook {
  /** The stored code, or the problem with a given one. */
  accept(code: string | undefined): { code: string } | { problem: string };
  record(bucket: string, code: string): void;
  codeOf(bucket: string): string;
  forget(bucket: string): void;
}

type KoaContext = any;

function readBody(ctx: KoaContext): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    ctx.req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 64 * 1024) chunks.push(c);
    });
    ctx.req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    ctx.req.on('error', reject);
  });
}

let patched = false;

/**
 * s3rver ignores `CreateBucketConfiguration` and answers an empty `GetBucketLocation`. Its bucket controllers are
 * wrapped once per process (routes.js calls them through the module's exports); each request finds its own
 * emulator's book on the server that took it (`ctx.app.bucketLocations`).
 */
export function patchBucketLocations(): void {
  if (patched) return;
  patched = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const controller = require('s3rver/lib/controllers/bucket') as Record<'putBucket' | 'getBucketLocation' | 'deleteBucket', (ctx: KoaContext) => Promise<void>>;
  const { putBucket, deleteBucket } = controller;
  controller.putBucket = async (ctx: KoaContext) => {
    const book: BucketLocationBook | undefined = ctx.app.bucketLocations;
    const body = await readBody(ctx);
    const given = /<LocationConstraint>\s*([^<]*?)\s*<\/LocationConstraint>/.exec(body)?.[1];
    const accepted = book?.accept(given === '' ? undefined : given);
    if (accepted && 'problem' in accepted) throw new S3Error('InvalidLocationConstraint', `The specified location-constraint is not valid: ${accepted.problem}.`, { LocationConstraint: given ?? '' });
    await putBucket(ctx);
    if (accepted) book?.record(ctx.params.bucket, accepted.code);
  };
  controller.getBucketLocation = async (ctx: KoaContext) => {
    const book: BucketLocationBook | undefined = ctx.app.bucketLocations;
    ctx.body = { LocationConstraint: { '@': { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' }, '#text': book?.codeOf(ctx.params.bucket) ?? '' } };
  };
  controller.deleteBucket = async (ctx: KoaContext) => {
    await deleteBucket(ctx);
    (ctx.app.bucketLocations as BucketLocationBook | undefined)?.forget(ctx.params.bucket);
  };
}
