import { fail } from '../errors';
import type { RequestContext } from './context';

/**
 * Global Tagging calls: the same IAM bearer tokens as the VPC API, and no `version`/`generation` query rule (the
 * tagging API is versioned by its path, `/v3`).
 */
export function checkTaggingRequest(ctx: RequestContext): void {
  const auth = ctx.state.iam.check(ctx.headers.authorization);
  if (!auth.ok) {
    const why = { missing: 'The request has no Authorization header', malformed: 'The Authorization header is not "Bearer <JWT>"', signature: 'The access token was not issued by this IAM', expired: 'The access token has expired' }[auth.reason];
    fail('not_authorized', `${why}. Send "Authorization: Bearer <IAM access token>".`, { name: 'Authorization', type: 'header' });
  }
}
