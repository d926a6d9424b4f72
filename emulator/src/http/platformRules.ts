import { platformFail } from '../errors';
import type { RequestContext } from './context';

const REFUSED = {
  missing: 'The request has no Authorization header',
  malformed: 'The Authorization header is not "Bearer <JWT>"',
  signature: 'The access token was not issued by this IAM',
  expired: 'The access token has expired',
} as const;

/**
 * IAM Policy Management and Resource Manager calls: this emulator's IAM bearer tokens (401 in the platform body
 * otherwise); no `version` rule (these APIs are versioned by their paths, `/v1`, `/v2`).
 */
export function checkPlatformRequest(ctx: RequestContext): void {
  const auth = ctx.state.iam.check(ctx.headers.authorization);
  if (!auth.ok) platformFail('not_authorized', `${REFUSED[auth.reason]}. Send "Authorization: Bearer <IAM access token>".`);
}
