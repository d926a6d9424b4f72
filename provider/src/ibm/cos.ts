/**
 * IBM Cloud Object Storage through ibm-cos-sdk (an S3 client), path-style, with either credential COS takes:
 * - the API key alone: the SDK gets IAM tokens itself (`apiKeyId`, `ibmAuthEndpoint`) and sends them as bearer
 *   tokens; listing and creating buckets also need the COS instance (`serviceInstanceId`, its GUID or CRN);
 * - HMAC keys, signature v4 (the same keys S3 tools read from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).
 * Works against real COS endpoints (`https://s3.us-south.cloud-object-storage.appdomain.cloud`) and the emulator's.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as COS from 'ibm-cos-sdk';
import { IbmAbortError, IbmCosError, IbmError, IbmTransportError } from './errors';
import type { CallOptions } from './types';

export const DEFAULT_IAM_ENDPOINT = 'https://iam.cloud.ibm.com';

export interface CosConfig {
  /** e.g. `https://s3.us-south.cloud-object-storage.appdomain.cloud`, or the emulator's `cosEndpoint`. */
  endpoint: string;
  /** HMAC keys: both or neither; when given they are used, whatever else is. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** An IBM Cloud API key: COS access through IAM tokens when no HMAC keys are given. */
  apiKey?: string;
  /** IAM base URL (the SDK posts to `<iamEndpoint>/identity/token`). @default DEFAULT_IAM_ENDPOINT */
  iamEndpoint?: string;
  /** The COS instance's GUID or CRN, which IBM needs (with IAM tokens) to list and create buckets. */
  serviceInstanceId?: string;
  /** Signing region. @default us-south */
  region?: string;
  /** Retries of the SDK on throttling, 5xx and network errors. @default 3 */
  maxRetries?: number;
  /** Sockets open at once to the endpoint (kept alive and reused between requests). @default 64 */
  maxSockets?: number;
}

export type CosClient = COS.S3;

/** Which credential a config uses: `hmac` when both keys are given, else `iam` with the API key; undefined when neither. */
export function cosAuthMode(config: Pick<CosConfig, 'accessKeyId' | 'secretAccessKey' | 'apiKey'>): 'hmac' | 'iam' | undefined {
  if (config.accessKeyId && config.secretAccessKey) return 'hmac';
  return config.apiKey ? 'iam' : undefined;
}

/**
 * ibm-cos-sdk's default agent closes every connection after its request (one TCP connection, and for https one TLS
 * handshake, per object read): its clients get an agent that keeps connections alive and reuses them.
 */
function keepAliveAgent(endpoint: string, maxSockets: number): http.Agent {
  const options = { keepAlive: true, maxSockets };
  return endpoint.startsWith('http:') ? new http.Agent(options) : new https.Agent(options);
}

/** The config each client of createCosClient was made from: readers build clients like it on worker threads. */
const configs = new WeakMap<CosClient, CosConfig>();

/** The config a client was made from by createCosClient; undefined for a client made otherwise. */
export function cosConfigOf(client: CosClient): CosConfig | undefined {
  return configs.get(client);
}

/**
 * A client for the config. `sdk`: ibm-cos-sdk options over this module's (a reader's GET-only clients turn off the
 * per-request work they do not need: cosFetchWorker.ts).
 */
export function createCosClient(config: CosConfig, sdk: COS.S3.ClientConfiguration = {}): CosClient {
  const client = newCosClient(config, sdk);
  configs.set(client, { ...config });
  return client;
}

function newCosClient(config: CosConfig, sdk: COS.S3.ClientConfiguration): CosClient {
  if (Boolean(config.accessKeyId) !== Boolean(config.secretAccessKey)) {
    throw new TypeError(`COS HMAC keys come in pairs: ${config.accessKeyId ? 'an access key id was given without its secret access key' : 'a secret access key was given without its access key id'}; give both, or neither to use the API key`);
  }
  const common = {
    endpoint: config.endpoint,
    region: config.region ?? 'us-south',
    s3ForcePathStyle: true,
    maxRetries: config.maxRetries ?? 3,
    httpOptions: { agent: keepAliveAgent(config.endpoint, config.maxSockets ?? 64) },
    ...sdk,
  };
  const mode = cosAuthMode(config);
  if (mode === 'hmac') return new COS.S3({ ...common, accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey, signatureVersion: 'v4' });
  if (mode === 'iam') {
    const iam = (config.iamEndpoint || DEFAULT_IAM_ENDPOINT).replace(/\/+$/, '');
    return new COS.S3({ ...common, apiKeyId: config.apiKey, ibmAuthEndpoint: `${iam}/identity/token`, ...(config.serviceInstanceId ? { serviceInstanceId: config.serviceInstanceId } : {}) });
  }
  throw new TypeError('No COS credentials: give an IBM Cloud API key (COS then uses IAM tokens), or the HMAC keys cosAccessKeyId and cosSecretAccessKey');
}

/** A client as is, or one built from a config. */
export function cosClientOf(cos: CosClient | CosConfig): CosClient {
  return typeof (cos as CosClient).listObjectsV2 === 'function' ? (cos as CosClient) : createCosClient(cos as CosConfig);
}

export type BucketLocationKind = 'regional' | 'cross-region' | 'single-site' | 'unknown';

export interface BucketLocation {
  /** What GetBucketLocation answered: a provisioning code such as `us-south-smart`. */
  code: string;
  kind: BucketLocationKind;
  /** `us-south`, `us` (cross-region), `ams03` (single site); the code itself when unknown. */
  location: string;
  /** `standard`, `smart`, `vault`, `cold`, …; absent when the code names none. */
  storageClass?: string;
}

const STORAGE_CLASSES = ['standard', 'smart', 'vault', 'cold', 'flex', 'onerate_active'];
const CROSS_REGION = new Set(['us', 'eu', 'ap', 'us-geo', 'eu-geo', 'ap-geo']);

/**
 * A provisioning code read: `<location>-<class>`, where a location of two letters (`us`, `eu`, `ap`, or the legacy
 * `us-geo`) is cross-region, `<geo>-<name>` (`us-south`, `eu-de`, `jp-tok`) a region, and letters then digits
 * (`ams03`) a single data center.
 */
export function parseBucketLocation(code: string): BucketLocation {
  const cls = STORAGE_CLASSES.find((c) => code.endsWith(`-${c}`));
  const location = cls ? code.slice(0, -cls.length - 1) : code;
  const withClass = cls ? { storageClass: cls } : {};
  if (CROSS_REGION.has(location)) return { code, kind: 'cross-region', location: location.slice(0, 2), ...withClass };
  if (/^[a-z]{2}-[a-z]{2,5}$/.test(location)) return { code, kind: 'regional', location, ...withClass };
  if (/^[a-z]{3}\d{2}$/.test(location)) return { code, kind: 'single-site', location, ...withClass };
  return { code, kind: 'unknown', location: code, ...withClass };
}

/** The rule flow logs set: a single-region bucket in the collector's region. */
export function isRegionalBucketIn(location: BucketLocation, region: string): boolean {
  return location.kind === 'regional' && location.location === region;
}

interface SdkRequest<T> {
  promise(): Promise<T>;
  abort(): void;
}

/** One SDK request, cut short by the signal; its failure as IbmCosError, IbmTransportError or IbmAbortError. */
async function send<T>(request: SdkRequest<T>, what: { operation: string; method: string; url: string }, options: CallOptions): Promise<T> {
  const abort = () => request.abort();
  if (options.signal?.aborted) throw new IbmAbortError(what);
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    return await request.promise();
  } catch (error) {
    throw cosError(error, what, options.signal);
  } finally {
    options.signal?.removeEventListener('abort', abort);
  }
}

const STATUS_CODE: Record<number, string> = { 403: 'AccessDenied', 404: 'NotFound' };

/** An ibm-cos-sdk error as a typed one, without the AWS SDK's additions ("This service may not be available…"). */
export function cosError(error: unknown, what: { operation: string; method: string; url: string }, signal?: AbortSignal): IbmError {
  const e = (error ?? {}) as { code?: unknown; statusCode?: unknown; message?: unknown; requestId?: unknown; originalError?: { code?: unknown; message?: unknown } };
  if (signal?.aborted || e.code === 'RequestAbortedError') return new IbmAbortError(what);
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (status === undefined || code === 'NetworkingError' || code === 'UnknownEndpoint' || code === 'TimeoutError') {
    const message = typeof e.message === 'string' ? e.message : '';
    // UnknownEndpoint hides the socket's code in originalError: `connect ECONNREFUSED 127.0.0.1:9`.
    const original = `${String(e.originalError?.code ?? '')} ${String(e.originalError?.message ?? '')} ${message}`;
    const transport = /\b(E[A-Z]{3,})\b/.exec(original)?.[1] ?? (code === 'TimeoutError' ? 'ETIMEDOUT' : undefined);
    return new IbmTransportError({ operation: what.operation, method: what.method, url: what.url, transportCode: transport });
  }
  // HEAD answers carry no body: the SDK names them by status only (NotFound, Forbidden).
  const cosCode = code && code !== 'Forbidden' ? code : STATUS_CODE[status] ?? `HTTP${status}`;
  const detail = typeof e.message === 'string' && e.message !== '' && e.message !== 'null' && e.message !== code ? e.message.replace(/ This service may not be available in the .* region\.$/, '') : undefined;
  return new IbmCosError({ ...what, status, cosCode, detail, trace: typeof e.requestId === 'string' ? e.requestId : undefined });
}

const urlOf = (cos: CosClient, bucket: string, query = '') => `${String(cos.config.endpoint).replace(/\/+$/, '')}/${encodeURIComponent(bucket)}${query}`;

/** Whether the bucket exists (HEAD); IbmCosError for anything but yes or no (403: the credentials may not see it). */
export async function headBucket(cos: CosClient, bucket: string, options: CallOptions = {}): Promise<boolean> {
  const what = { operation: `check that bucket ${bucket} exists`, method: 'HEAD', url: urlOf(cos, bucket) };
  try {
    await send(cos.headBucket({ Bucket: bucket }), what, options);
    return true;
  } catch (error) {
    if (IbmCosError.isInstance(error) && error.status === 404) return false;
    throw error;
  }
}

/** The bucket's location, as GetBucketLocation answers it; IbmCosError `NoSuchBucket` when there is none. */
export async function getBucketLocation(cos: CosClient, bucket: string, options: CallOptions = {}): Promise<BucketLocation> {
  const what = { operation: `get the location of bucket ${bucket}`, method: 'GET', url: urlOf(cos, bucket, '?location') };
  const out = await send(cos.getBucketLocation({ Bucket: bucket }), what, options);
  return parseBucketLocation(out.LocationConstraint ?? '');
}
