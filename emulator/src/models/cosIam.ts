import type { CosInstance } from './authorizations';
import type { TokenCheck } from './iam';
import { verifySignatureV4 } from './s3rverFixes';

/**
 * COS authentication, as IBM COS takes it: an IAM bearer token from this emulator's IAM (what ibm-cos-sdk sends when
 * configured with `apiKeyId`, `serviceInstanceId` and `ibmAuthEndpoint`), or an HMAC Signature V4 (s3rverFixes.ts).
 * With a token, `ibm-service-instance-id` (sent on bucket create and list) must name this COS instance, by GUID or
 * CRN. A valid token's header is taken off the request before s3rver sees it: s3rver only parses AWS signatures, and
 * serves the unsigned request (`ctx.state.bearer` says it was authenticated).
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3Error: new (code: string, message: string, detail?: object) => Error = require('s3rver/lib/models/error');

type KoaContext = any;
type Next = () => Promise<void>;

const REFUSED: Record<Exclude<TokenCheck, { ok: true }>['reason'], string> = {
  missing: 'The request has no IAM access token.',
  malformed: 'The Authorization header is not "Bearer <IAM access token>".',
  signature: 'The IAM access token was not issued by this IAM.',
  expired: 'The IAM access token has expired; request a new one from IAM.',
};

export function cosAuthentication(options: { checkToken: (authorization: string) => TokenCheck; instance: () => CosInstance }) {
  return async function authenticate(ctx: KoaContext, next: Next): Promise<void> {
    const authorization: string = ctx.get('authorization');
    if (!/^bearer\s/i.test(authorization)) return verifySignatureV4(ctx, next);
    const check = options.checkToken(`Bearer ${authorization.replace(/^bearer\s+/i, '')}`);
    if (!check.ok) throw new S3Error('AccessDenied', `Access Denied: ${REFUSED[check.reason]}`);
    const named: string = ctx.get('ibm-service-instance-id');
    const instance = options.instance();
    if (named && named !== instance.guid && named !== instance.crn) {
      throw new S3Error('AccessDenied', `Access Denied: ibm-service-instance-id "${named.slice(0, 80)}" is not this COS instance (${instance.guid}).`);
    }
    delete ctx.req.headers.authorization;
    ctx.state.bearer = true;
    return next();
  };
}
