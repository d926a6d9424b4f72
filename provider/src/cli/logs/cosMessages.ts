/**
 * A failed bucket listing told in IBM's terms, with the flag to fix, instead of the AWS SDK's words ("This service
 * may not be available in the us-south region", "Missing credentials in config"). The roles are those of IBM's COS
 * IAM table (Content Reader: download and list objects). No message holds a key.
 */
import { cosError } from '../../ibm/cos';
import { IbmCosError, IbmTransportError, safeUrl } from '../../ibm/errors';

export interface CosReadContext {
  bucket: string;
  endpoint: string;
  auth: 'hmac' | 'iam';
  iamEndpoint: string;
}

const TRANSPORT_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'timed out',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPROTO: 'TLS failed',
};

const transportWords = (code: string) => (TRANSPORT_WORDS[code] ? `${TRANSPORT_WORDS[code]}, ${code}` : code);

const READ_ROLES = 'Content Reader (or Reader, Writer, Manager)';

/** The message for a listing that failed with ibm-cos-sdk's error `sdkError`. */
export function cosReadMessage(sdkError: unknown, ctx: CosReadContext): string {
  const endpoint = safeUrl(ctx.endpoint).replace(/\/$/, '');
  const e = (sdkError ?? {}) as { code?: unknown; statusCode?: unknown; originalError?: { originalError?: { code?: unknown } } };
  // With the API key the SDK fetches an IAM token first; its failure comes back as a CredentialsError.
  if (e.code === 'CredentialsError') {
    const iam = safeUrl(ctx.iamEndpoint).replace(/\/$/, '');
    const socket = typeof e.originalError?.originalError?.code === 'string' ? e.originalError.originalError.code : undefined;
    if (socket) return `could not reach IAM at ${iam} for a Cloud Object Storage token (${transportWords(socket)}): check --iam-endpoint (IBMCLOUD_IAM_API_ENDPOINT), or give the COS HMAC keys instead`;
    return `IAM at ${iam} gave no token for Cloud Object Storage${typeof e.statusCode === 'number' ? ` (HTTP ${e.statusCode})` : ''}: the API key was refused; check --api-key (IBMCLOUD_API_KEY), or give the COS HMAC keys instead`;
  }
  const typed = cosError(sdkError, { operation: `list bucket ${ctx.bucket}`, method: 'GET', url: `${ctx.endpoint.replace(/\/+$/, '')}/${ctx.bucket}` });
  if (typed instanceof IbmTransportError) {
    return `could not reach Cloud Object Storage at ${endpoint} (${transportWords(typed.transportCode)}): check --cos-endpoint (the region's endpoint, such as https://s3.us-south.cloud-object-storage.appdomain.cloud), or, with the emulator, that \`ibm-flowlogs emulator\` is running and this is the cosEndpoint it printed`;
  }
  if (!(typed instanceof IbmCosError)) return typed.message;
  const code = typed.cosCode;
  if (code === 'NoSuchBucket' || typed.status === 404) {
    return `bucket ${ctx.bucket} does not exist at ${endpoint} (NoSuchBucket): check --bucket (the collector's storageBucket), and that --cos-endpoint is the endpoint of the bucket's region`;
  }
  if (code === 'InvalidAccessKeyId') {
    return `Cloud Object Storage at ${endpoint} does not know the HMAC access key id (InvalidAccessKeyId): check --cos-access-key-id (AWS_ACCESS_KEY_ID); HMAC keys are those of a service credential of the COS instance created with HMAC credentials included`;
  }
  if (code === 'SignatureDoesNotMatch') {
    return `Cloud Object Storage at ${endpoint} refused the request signature (SignatureDoesNotMatch): the HMAC secret access key does not belong to the access key id; check --cos-secret-access-key (AWS_SECRET_ACCESS_KEY)`;
  }
  if (code === 'AccessDenied' || typed.status === 403) {
    const who =
      ctx.auth === 'hmac'
        ? `the service credential the HMAC keys belong to needs the ${READ_ROLES} role on the bucket or its COS instance`
        : `the API key's identity needs an IAM access policy with the ${READ_ROLES} role on the bucket or its COS instance`;
    // COS's own words, without the AWS SDK's addition (as cosError does).
    const said = typeof (sdkError as { message?: unknown })?.message === 'string' ? (sdkError as { message: string }).message.replace(/ This service may not be available in the .* region\.$/, '') : '';
    return `Cloud Object Storage at ${endpoint} denied listing bucket ${ctx.bucket} (${code}${said && said !== code ? `: ${said}` : ''}): ${who}`;
  }
  return `Cloud Object Storage at ${endpoint} answered${typed.status !== undefined ? ` ${typed.status}` : ''} (${code}) to listing bucket ${ctx.bucket}${typed.trace ? ` [trace ${typed.trace}]` : ''}`;
}
