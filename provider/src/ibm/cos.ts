/**
 * IBM Cloud Object Storage through ibm-cos-sdk (an S3 client): path-style addressing, signature v4, HMAC keys
 * (the same keys S3 tools read from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY). Works against real COS endpoints
 * (`https://s3.us-south.cloud-object-storage.appdomain.cloud`) and the emulator's.
 */
import * as COS from 'ibm-cos-sdk';

export interface CosConfig {
  /** e.g. `https://s3.us-south.cloud-object-storage.appdomain.cloud`, or the emulator's `cosEndpoint`. */
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Signing region. @default us-south */
  region?: string;
  /** Retries of the SDK on throttling, 5xx and network errors. @default 3 */
  maxRetries?: number;
}

export type CosClient = COS.S3;

export function createCosClient(config: CosConfig): CosClient {
  return new COS.S3({
    endpoint: config.endpoint,
    accessKeyId: config.accessKeyId,
    secretAccessKey: config.secretAccessKey,
    region: config.region ?? 'us-south',
    s3ForcePathStyle: true,
    signatureVersion: 'v4',
    maxRetries: config.maxRetries ?? 3,
  });
}

/** A client as is, or one built from a config. */
export function cosClientOf(cos: CosClient | CosConfig): CosClient {
  return typeof (cos as CosClient).listObjectsV2 === 'function' ? (cos as CosClient) : createCosClient(cos as CosConfig);
}
