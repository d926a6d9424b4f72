/**
 * IBM Cloud Object Storage through ibm-cos-sdk (an S3 client): path-style addressing, signature v4, HMAC keys
 * (the same keys S3 tools read from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY). Works against real COS endpoints
 * (`https://s3.us-south.cloud-object-storage.appdomain.cloud`) and the emulator's.
 */
import * as http from 'node:http';
import * as https from 'node:https';
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
  /** Sockets open at once to the endpoint (kept alive and reused between requests). @default 64 */
  maxSockets?: number;
}

export type CosClient = COS.S3;

/**
 * ibm-cos-sdk's default agent closes every connection after its request (one TCP connection, and for https one TLS
 * handshake, per object read): its clients get an agent that keeps connections alive and reuses them.
 */
function keepAliveAgent(endpoint: string, maxSockets: number): http.Agent {
  const options = { keepAlive: true, maxSockets };
  return endpoint.startsWith('http:') ? new http.Agent(options) : new https.Agent(options);
}

export function createCosClient(config: CosConfig): CosClient {
  return new COS.S3({
    httpOptions: { agent: keepAliveAgent(config.endpoint, config.maxSockets ?? 64) },
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
