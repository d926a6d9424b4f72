import { IamError } from '../errors';
import { ok, type Handler } from '../http/context';

/** POST /identity/token: form-encoded API-key or refresh-token grant. */
export const token: Handler = (ctx) => {
  const type = String(ctx.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new IamError('contentTypeInvalid');
  return ok(ctx.state.iam.grant(new URLSearchParams(ctx.rawBody.toString('utf8')), `${ctx.base}/identity`));
};

/** GET /identity/keys: the public key that verifies access tokens, as IAM publishes its own. */
export const keys: Handler = (ctx) => ok(ctx.state.iam.jwks());
