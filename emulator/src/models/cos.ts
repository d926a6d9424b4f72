import { createHash } from 'node:crypto';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CosInstance } from './authorizations';
import { cosAuthentication } from './cosIam';
import { parseLocationConstraint, patchBucketLocations, type BucketLocationBook } from './cosLocations';
import type { TokenCheck } from './iam';
import { bucketNameProblem } from './bucketNames';
import { confineStore, cosRequestGuard } from './cosGuard';
import { randomSecret } from './ids';
import { directObjectGets } from './cosObjectGets';
import { decodeAwsChunkedUploads, patchListObjectsV2 } from './s3rverFixes';

// s3rver ships no types; these are the parts of its API the emulator uses.
interface S3rverStore {
  getBucket(name: string): Promise<unknown | null>;
  putBucket(name: string): Promise<unknown>;
  deleteBucket(name: string): Promise<void>;
  listBuckets(): Promise<Array<{ name: string }>>;
  listObjects(bucket: string, options: { prefix?: string }): Promise<{ objects: Array<{ key: string; size: number }> }>;
  putObject(object: object): Promise<{ size: number; md5: string }>;
  /** FilesystemStore's file for one resource of a key (`object`, `object.md5`, `metadata.json`). */
  getResourcePath(bucket: string, key: string, resource: string): string;
  reset(): void;
}
interface S3rverInstance {
  store: S3rverStore;
  /** Read by the patched bucket controllers (cosLocations.ts). */
  bucketLocations?: BucketLocationBook;
  httpServer?: Server;
  /** Koa's middleware list, composed when the server starts. */
  middleware: unknown[];
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver: new (options: object) => S3rverInstance = require('s3rver');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3Object: new (bucket: string, key: string, content: Buffer, metadata: Record<string, string>) => object = require('s3rver/lib/models/object');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account') as {
  DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void; revokeAccessKey(id: string): void };
};

/**
 * Where an in-memory emulator keeps COS: /dev/shm (RAM) when the system has it, else the temp directory. A window of
 * flow logs is hundreds of small files; on a disk-backed /tmp each write costs about ten times more.
 */
function scratchRoot(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

export interface HmacKeys {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface CosOptions {
  directory?: string;
  hmac?: HmacKeys;
  /** Bucket → provisioning code (`us-south-standard`), as saved. */
  locations?: Record<string, string>;
  /** The emulator's region: the default location of a bucket (`<region>-standard`). */
  region: () => string;
  /** IAM's check of a bearer token, and the instance tokens may name. */
  checkToken: (authorization: string) => TokenCheck;
  instance: () => CosInstance;
  /** Whether flow logs may write to a bucket (IAM's authorization policies decide; see authorizations.ts). */
  isAuthorized: (bucket: string, collectorResourceGroupId?: string) => boolean;
  /** Called after a bucket is deleted through the control API. */
  onBucketDeleted?: (bucket: string) => void;
  /** Called when a bucket made or deleted through the S3 API changes the locations (persistence saves them). */
  onLocationsChanged?: () => void;
}

/**
 * Cloud Object Storage: a real S3-protocol server (s3rver) on loopback that takes HMAC credentials of its own and
 * this emulator's IAM tokens, with a location per bucket. Whether flow logs may write to a bucket is IAM's answer.
 */
export class CosModel {
  readonly hmac: HmacKeys;
  readonly locations: Map<string, string>;
  private server?: S3rverInstance;
  private readonly ownsDirectory: boolean;
  readonly directory: string;
  endpoint = '';
  /** Plain object GETs answered from the store's files (cosObjectGets.ts); false: every request goes through s3rver. */
  directGets = true;

  constructor(private readonly options: CosOptions) {
    this.locations = new Map(Object.entries(options.locations ?? {}));
    this.ownsDirectory = options.directory === undefined;
    this.directory = options.directory ?? mkdtempSync(join(scratchRoot(), 'ibmflowlogs-cos-'));
    this.hmac = options.hmac ?? { accessKeyId: randomSecret(16).replace(/[-_]/g, 'x'), secretAccessKey: randomSecret(32) };
  }

  /** `allowedOrigins`: browser origins that may call COS (see http/requestGuard.ts). */
  async start(port: number, allowedOrigins: readonly string[] = []): Promise<void> {
    // s3rver keeps accounts in a process-wide registry; its well-known default key must not open our buckets.
    DUMMY_ACCOUNT.revokeAccessKey('S3RVER');
    DUMMY_ACCOUNT.createKeyPair(this.hmac.accessKeyId, this.hmac.secretAccessKey);
    this.server = new S3rver({ address: '127.0.0.1', port, silent: true, directory: this.directory, vhostBuckets: false });
    confineStore(this.server.store as unknown as Parameters<typeof confineStore>[0], this.directory);
    // s3rver checks no V4 signature, knows no IAM token, serves unsigned requests and stores aws-chunked framing; see cosIam.ts and s3rverFixes.ts.
    this.server.middleware.unshift(
      cosAuthentication({ checkToken: this.options.checkToken, instance: this.options.instance }),
      decodeAwsChunkedUploads,
      directObjectGets(() => this.store, () => this.directGets),
    );
    this.server.bucketLocations = {
      accept: (code) => {
        const parsed = parseLocationConstraint(code ?? this.defaultLocation(), this.options.region());
        return 'problem' in parsed ? parsed : { code: parsed.code };
      },
      record: (bucket, code) => {
        this.locations.set(bucket, code);
        this.options.onLocationsChanged?.();
      },
      codeOf: (bucket) => this.locationOf(bucket),
      forget: (bucket) => {
        this.locations.delete(bucket);
        this.options.onLocationsChanged?.();
      },
    };
    // Before anything else: a foreign Host or Origin, a bad bucket name or key never reaches s3rver.
    let listening = port;
    this.server.middleware.unshift(cosRequestGuard(() => ({ port: listening, allowedOrigins })));
    patchListObjectsV2();
    patchBucketLocations();
    const address = await this.server.run();
    listening = address.port;
    this.endpoint = `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.httpServer?.closeAllConnections();
      await server.close();
    }
    DUMMY_ACCOUNT.revokeAccessKey(this.hmac.accessKeyId);
    if (this.ownsDirectory) rmSync(this.directory, { recursive: true, force: true });
  }

  private get store(): S3rverStore {
    if (!this.server) throw new Error('COS is not running');
    return this.server.store;
  }

  /** Every model call names its bucket; a name COS would refuse never reaches the file store. */
  private named(name: string): string {
    const problem = bucketNameProblem(name);
    if (problem) throw new Error(`COS: ${problem}`);
    return name;
  }

  async bucketExists(name: string): Promise<boolean> {
    return (await this.store.getBucket(this.named(name))) !== null;
  }

  isAuthorized(name: string, collectorResourceGroupId?: string): boolean {
    return this.options.isAuthorized(name, collectorResourceGroupId);
  }

  /** `<region>-standard`: where a bucket created without a LocationConstraint lives. */
  defaultLocation(): string {
    return `${this.options.region()}-standard`;
  }

  /** The bucket's provisioning code (buckets made before locations existed are in the default one). */
  locationOf(name: string): string {
    return this.locations.get(name) ?? this.defaultLocation();
  }

  /** `location` must be a provisioning code that parseLocationConstraint accepts. @default defaultLocation() */
  async createBucket(name: string, location?: string): Promise<void> {
    await this.store.putBucket(this.named(name));
    this.locations.set(name, location ?? this.defaultLocation());
  }

  async deleteBucket(name: string): Promise<void> {
    await this.store.deleteBucket(this.named(name));
    this.locations.delete(name);
    this.options.onBucketDeleted?.(name);
  }

  async listBuckets(): Promise<string[]> {
    // A folder someone else put into COS's directory is not a bucket unless COS could have named it.
    return (await this.store.listBuckets()).map((b) => b.name).filter((name) => bucketNameProblem(name) === undefined).sort();
  }

  async listObjects(bucket: string): Promise<Array<{ key: string; size: number }>> {
    const page = await this.store.listObjects(this.named(bucket), {});
    return page.objects.map((o) => ({ key: o.key, size: o.size }));
  }

  /**
   * Writes an object straight into s3rver's store, as a PUT would: `metadata` holds `content-type` and
   * `x-amz-meta-<name>` entries, which GET and HEAD then answer as headers (ibm-cos-sdk's `Metadata`).
   */
  async putObject(bucket: string, key: string, body: Buffer, metadata: Record<string, string>): Promise<void> {
    await this.store.putObject(new S3Object(this.named(bucket), key, body, metadata));
  }

  /**
   * The same as {@link putObject}, synchronously: the three files s3rver's FilesystemStore.putObject writes (the
   * body, its MD5 — the ETag — and the metadata JSON), at the paths its own `getResourcePath` gives. The flow-log
   * writer puts hundreds of small objects per window; through the store's async calls Node's four file-system threads
   * were the bottleneck (about 0.6 ms an object), synchronously it is several times faster. Only `content-type` and
   * `x-amz-meta-*` entries may be given, which is all the store keeps anyway.
   */
  putObjectSync(bucket: string, key: string, body: Buffer, metadata: Record<string, string>): void {
    const objectPath = this.store.getResourcePath(this.named(bucket), key, 'object');
    mkdirSync(dirname(objectPath), { recursive: true });
    writeFileSync(objectPath, body);
    writeFileSync(`${objectPath}.md5`, createHash('md5').update(body).digest('hex'));
    writeFileSync(this.store.getResourcePath(bucket, key, 'metadata.json'), JSON.stringify(metadata, null, 2));
  }

  /** Empties COS: every bucket and object goes. */
  wipe(): void {
    this.store.reset();
    this.locations.clear();
  }
}
