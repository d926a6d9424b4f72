import { gunzipSync } from 'node:zlib';
import type * as COS from 'ibm-cos-sdk';
import { cosClient, type EmulatorClient } from './emulator';

/**
 * Reading what the emulator's flow-log writer put in COS, through ibm-cos-sdk, as a user would. Also the way a
 * differential test drives the writer: `POST /_emulator/topology`, collectors through the VPC API,
 * `POST /_emulator/clock/advance {"seconds": 300}`, then {@link interfaceBuckets} (interface id → buckets written to).
 */

/** The documented key layout (emulator/README.md, "Flow logs"), one capture group per partition. */
export const FLOW_LOG_KEY =
  /^ibm_vpc_flowlogs_v1\/account=([^/]+)\/region=([^/]+)\/vpc-id=([^/]+)\/subnet-id=([^/]+)\/endpoint-type=vnics\/instance-id=([^/]+)\/vnic-id=([^/]+)\/record-type=(ingress|egress)\/year=(\d{4})\/month=(\d{2})\/day=(\d{2})\/hour=(\d{2})\/stream-id=(\d{8}T\d{6}Z)\/(\d{8})\.gz$/;

export interface FlowLogKey {
  account: string;
  region: string;
  vpcCrn: string;
  subnetCrn: string;
  instanceCrn: string;
  interfaceId: string;
  recordType: 'ingress' | 'egress';
  year: string;
  month: string;
  day: string;
  hour: string;
  streamId: string;
  sequence: string;
  /** The raw (still URL-encoded) vpc-id, subnet-id and instance-id segments. */
  raw: { vpcId: string; subnetId: string; instanceId: string };
}

export function parseFlowLogKey(key: string): FlowLogKey | undefined {
  const m = FLOW_LOG_KEY.exec(key);
  if (!m) return undefined;
  const d = decodeURIComponent;
  return {
    account: d(m[1]),
    region: d(m[2]),
    vpcCrn: d(m[3]),
    subnetCrn: d(m[4]),
    instanceCrn: d(m[5]),
    interfaceId: d(m[6]),
    recordType: m[7] as 'ingress' | 'egress',
    year: m[8],
    month: m[9],
    day: m[10],
    hour: m[11],
    streamId: m[12],
    sequence: m[13],
    raw: { vpcId: m[3], subnetId: m[4], instanceId: m[5] },
  };
}

/** Every key in a bucket (listObjectsV2, following continuation tokens). */
export async function listKeys(cos: COS.S3, bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await cos.listObjectsV2({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: 1000 }).promise();
    for (const o of page.Contents ?? []) keys.push(o.Key!);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

export interface ReadObject {
  bucket: string;
  key: string;
  parsedKey: FlowLogKey;
  /** The gunzipped JSON document. */
  doc: any;
  /** getObject's and headObject's `Metadata` (x-amz-meta-* without the prefix). */
  metadata: Record<string, string>;
  headMetadata: Record<string, string>;
  contentType?: string;
  /** The stored (gzip) bytes and HEAD's ETag. */
  body: Buffer;
  etag?: string;
}

/** getObject + gunzip + JSON.parse, and headObject for the metadata. */
export async function readObject(cos: COS.S3, bucket: string, key: string): Promise<ReadObject> {
  const [got, head] = await Promise.all([cos.getObject({ Bucket: bucket, Key: key }).promise(), cos.headObject({ Bucket: bucket, Key: key }).promise()]);
  const parsedKey = parseFlowLogKey(key);
  if (!parsedKey) throw new Error(`not a flow-log key: ${key}`);
  return {
    bucket,
    key,
    parsedKey,
    doc: JSON.parse(gunzipSync(got.Body as Buffer).toString('utf8')),
    metadata: got.Metadata ?? {},
    headMetadata: head.Metadata ?? {},
    contentType: head.ContentType,
    body: got.Body as Buffer,
    etag: head.ETag,
  };
}

export async function readBucket(cos: COS.S3, bucket: string): Promise<ReadObject[]> {
  const keys = (await listKeys(cos, bucket)).filter((k) => k.startsWith('ibm_vpc_flowlogs_v1/'));
  return Promise.all(keys.map((k) => readObject(cos, bucket, k)));
}

/** Every bucket's flow-log objects, read and decoded. */
export async function readAllFlowLogs(client: EmulatorClient): Promise<ReadObject[]> {
  const cos = cosClient(client.endpoints);
  const buckets = (await cos.listBuckets().promise()).Buckets!.map((b) => b.Name!);
  return (await Promise.all(buckets.map((b) => readBucket(cos, b)))).flat();
}

/** Interface id → the buckets its flow-log objects were written to (from the keys alone: fast). */
export async function interfaceBuckets(client: EmulatorClient): Promise<Map<string, Set<string>>> {
  const cos = cosClient(client.endpoints);
  const out = new Map<string, Set<string>>();
  for (const b of (await cos.listBuckets().promise()).Buckets!) {
    for (const key of await listKeys(cos, b.Name!, 'ibm_vpc_flowlogs_v1/')) {
      const id = parseFlowLogKey(key)?.interfaceId;
      if (!id) continue;
      if (!out.has(id)) out.set(id, new Set());
      out.get(id)!.add(b.Name!);
    }
  }
  return out;
}
