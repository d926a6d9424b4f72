import { fail } from '../errors';
import type { RequestContext } from './context';

/**
 * The oldest `version` date the emulator takes: IBM documents none ("any date-based version, up to the current
 * date"), and its docs' own samples use 2019-09-30 and 2019-10-08; the emulator takes the whole of 2019 on.
 */
export const MIN_API_VERSION = '2019-01-01';

/**
 * The newest `version` date: today, on the wall clock or the emulator's clock, whichever is later. A client's SDK
 * sends the date it was built with, which is never past the machine's today, wherever `clockStart` put the
 * emulator's clock; an emulator clock moved ahead takes its own later dates too.
 */
export function newestApiVersion(emulatorNow: number, wallNow = Date.now()): string {
  return new Date(Math.max(emulatorNow, wallNow)).toISOString().slice(0, 10);
}

const AUTH_MESSAGES = {
  missing: 'The request has no Authorization header. Send "Authorization: Bearer <IAM access token>".',
  malformed: 'The Authorization header is not "Bearer <JWT>".',
  signature: 'The access token was not issued by this IAM (its signature does not verify).',
  expired: 'The access token has expired. Request a new one from IAM.',
} as const;

/** Every VPC API call: a valid IAM token, then `version` (a date in the window) and `generation=2`. */
export function checkVpcRequest(ctx: RequestContext): void {
  const auth = ctx.state.iam.check(ctx.headers.authorization);
  if (!auth.ok) fail('not_authorized', AUTH_MESSAGES[auth.reason], { name: 'Authorization', type: 'header' });

  const version = ctx.query.get('version');
  const today = newestApiVersion(ctx.state.clock.now());
  if (version === null) {
    fail('missing_field', `The version query parameter is required: a date YYYY-MM-DD from ${MIN_API_VERSION} to ${today}.`, { name: 'version', type: 'parameter' });
  }
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(version) ? new Date(`${version}T00:00:00Z`) : undefined;
  if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== version) {
    fail('invalid_value', `version "${version.slice(0, 40)}" is not a date in the form YYYY-MM-DD.`, { name: 'version', type: 'parameter', value: version.slice(0, 40) });
  }
  if (version < MIN_API_VERSION || version > today) {
    fail('invalid_value', `version ${version} is outside the supported range ${MIN_API_VERSION} to ${today}.`, { name: 'version', type: 'parameter', value: version });
  }
  const generation = ctx.query.get('generation');
  if (generation !== null && generation !== '2') {
    fail('invalid_value', `generation "${generation.slice(0, 20)}" is not supported; only generation=2 (VPC infrastructure) exists.`, { name: 'generation', type: 'parameter', value: generation.slice(0, 20) });
  }
}
