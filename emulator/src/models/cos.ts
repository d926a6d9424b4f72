import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomSecret } from './ids';
import { patchListObjectsV2, verifySignatureV4 } from './s3rverFixes';

// s3rver ships no types; these are the parts of its API the emulator uses.
interface S3rverStore {
  getBucket(name: string): Promise<unknown | null>;
  putBucket(name: string): Promise<unknown>;
  deleteBucket(name: string): Promise<void>;
  listBuckets(): Promise<Array<{ name: string }>>;
  listObjects(bucket: string, options: { prefix?: string }): Promise<{ objects: Array<{ key: string; size: number }> }>;
  reset(): void;
}
interface S3rverInstance {
  store: S3rverStore;
  httpServer?: Server;
  /** Koa's middleware list, composed when the server starts. */
  middleware: unknown[];
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver: new (options: object) => S3rverInstance = require('s3rver');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account') as {
  DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void; revokeAccessKey(id: string): void };
};

export interface HmacKeys {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * Cloud Object Storage: a real S3-protocol server (s3rver) on loopback, with HMAC credentials of its own, plus the
 * service-to-service authorizations that let flow logs write to a bucket (emulator state, as IAM holds them in IBM
 * Cloud). `*` authorizes every bucket of the instance.
 */
export class CosModel {
  readonly authorizations = new Set<string>();
  readonly hmac: HmacKeys;
  private server?: S3rverInstance;
  private readonly ownsDirectory: boolean;
  readonly directory: string;
  endpoint = '';

  constructor(options: { directory?: string; hmac?: HmacKeys }) {
    this.ownsDirectory = options.directory === undefined;
    this.directory = options.directory ?? mkdtempSync(join(tmpdir(), 'ibmflowlogs-cos-'));
    this.hmac = options.hmac ?? { accessKeyId: randomSecret(16).replace(/[-_]/g, 'x'), secretAccessKey: randomSecret(32) };
  }

  async start(port: number): Promise<void> {
    // s3rver keeps accounts in a process-wide registry; its well-known default key must not open our buckets.
    DUMMY_ACCOUNT.revokeAccessKey('S3RVER');
    DUMMY_ACCOUNT.createKeyPair(this.hmac.accessKeyId, this.hmac.secretAccessKey);
    this.server = new S3rver({ address: '127.0.0.1', port, silent: true, directory: this.directory, vhostBuckets: false });
    // s3rver checks no V4 signature and serves unsigned requests; see s3rverFixes.ts.
    this.server.middleware.unshift(verifySignatureV4);
    patchListObjectsV2();
    const address = await this.server.run();
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

  async bucketExists(name: string): Promise<boolean> {
    return (await this.store.getBucket(name)) !== null;
  }

  isAuthorized(name: string): boolean {
    return this.authorizations.has('*') || this.authorizations.has(name);
  }

  async createBucket(name: string): Promise<void> {
    await this.store.putBucket(name);
  }

  async deleteBucket(name: string): Promise<void> {
    await this.store.deleteBucket(name);
    this.authorizations.delete(name);
  }

  async listBuckets(): Promise<string[]> {
    return (await this.store.listBuckets()).map((b) => b.name).sort();
  }

  async listObjects(bucket: string): Promise<Array<{ key: string; size: number }>> {
    const page = await this.store.listObjects(bucket, {});
    return page.objects.map((o) => ({ key: o.key, size: o.size }));
  }

  /** Empties COS: every bucket and object goes; authorizations too. */
  wipe(): void {
    this.store.reset();
    this.authorizations.clear();
  }
}
