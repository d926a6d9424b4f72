import { EmulatorError, PlatformError, platformFail } from '../errors';
import { noContent, ok, type Handler, type Reply, type RequestContext } from '../http/context';
import { etagOf, parsePolicy, type StoredPolicy } from '../models/iamPolicies';
import { paginate, parsePaging } from '../models/paging';
import { policyView } from '../views/policy';

/** IAM Policy Management v1 (`/v1/policies`): thin over models/iamPolicies.ts, in IAM's error body. */

const SORTABLE = ['id', 'type', 'href', 'created_at', 'created_by_id', 'last_modified_at', 'last_modified_by_id', 'state'] as const;
const SORT_KEY: Record<(typeof SORTABLE)[number], (p: StoredPolicy) => string> = {
  id: (p) => p.id,
  type: (p) => p.type,
  href: (p) => p.id,
  created_at: (p) => p.createdAt,
  created_by_id: (p) => p.createdById,
  last_modified_at: (p) => p.lastModifiedAt,
  last_modified_by_id: (p) => p.lastModifiedById,
  state: (p) => p.state,
};

/** Services IAM counts as platform services for `service_type=platform_service`. */
const PLATFORM_SERVICES = new Set(['iam-identity', 'iam-access-management', 'iam-groups', 'user-management', 'billing', 'support', 'globalcatalog', 'enterprise']);

/** The caller's IAM id, for `created_by_id`: the token passed the API's check before the handler runs. */
function caller(ctx: RequestContext): string {
  const payload = String(ctx.headers.authorization ?? '').split('.')[1] ?? '';
  try {
    const id = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iam_id?: unknown }).iam_id;
    return typeof id === 'string' ? id : 'iam-unknown';
  } catch {
    return 'iam-unknown';
  }
}

function withEtag(p: StoredPolicy, base: string, status = 200): Reply {
  return { status, body: policyView(p, base), headers: { etag: etagOf(p) } };
}

const attributeOf = (list: Array<{ name: string; value: string }> | undefined, name: string) => list?.find((a) => a.name === name)?.value;

function choice(ctx: RequestContext, name: string, allowed: readonly string[]): string | undefined {
  const value = ctx.query.get(name);
  if (value !== null && !allowed.includes(value)) platformFail('invalid_request', `${name} "${value.slice(0, 40)}" is not one of ${allowed.join(', ')}.`);
  return value ?? undefined;
}

/** GET /v1/policies?account_id=…: IAM's filters, `sort`, `limit`/`start` paging; active policies unless `state=deleted`. */
export const list: Handler = (ctx) => {
  const account = ctx.query.get('account_id');
  if (!account) platformFail('invalid_request', 'The account_id query parameter is required: the account whose policies to list.');
  const type = choice(ctx, 'type', ['access', 'authorization']);
  const serviceType = choice(ctx, 'service_type', ['service', 'platform_service']);
  const state = choice(ctx, 'state', ['active', 'deleted']) ?? 'active';
  choice(ctx, 'format', ['include_last_permit', 'display']);
  const sort = ctx.query.get('sort');
  const sortKey = sort?.replace(/^-/, '');
  if (sortKey !== undefined && !(SORTABLE as readonly string[]).includes(sortKey)) platformFail('invalid_request', `sort "${sort?.slice(0, 40)}" is not one of ${SORTABLE.join(', ')} (prefix "-" to sort descending).`);
  let request;
  try {
    request = parsePaging(ctx.query);
  } catch (error) {
    if (error instanceof EmulatorError) throw new PlatformError(error.details.map((d) => ({ code: 'invalid_request' as const, message: d.message })));
    throw error;
  }
  const iamId = ctx.query.get('iam_id');
  const group = ctx.query.get('access_group_id');
  const tagName = ctx.query.get('tag_name');
  const tagValue = ctx.query.get('tag_value');
  // Another account's policies are not readable: IAM answers an empty list, not an error.
  let policies = account === ctx.state.topology.account ? ctx.state.policies.all().filter((p) => p.state === state) : [];
  policies = policies.filter((p) => {
    const subject = p.subjects[0]?.attributes;
    const resource = p.resources[0];
    const service = attributeOf(resource?.attributes, 'serviceName');
    const platform = attributeOf(resource?.attributes, 'serviceType') === 'platform_service' || (service !== undefined && PLATFORM_SERVICES.has(service));
    return (
      (type === undefined || p.type === type) &&
      (iamId === null || attributeOf(subject, 'iam_id') === iamId) &&
      (group === null || attributeOf(subject, 'access_group_id') === group) &&
      (serviceType === undefined || (serviceType === 'platform_service' ? platform : service !== undefined && !platform)) &&
      (tagName === null || (resource?.tags ?? []).some((t) => t.name === tagName && (tagValue === null || t.value === tagValue)))
    );
  });
  if (sortKey) {
    const key = SORT_KEY[sortKey as (typeof SORTABLE)[number]];
    const sign = sort!.startsWith('-') ? -1 : 1;
    policies = [...policies].sort((a, b) => sign * key(a).localeCompare(key(b)));
  }
  const page = paginate(policies, request);
  const href = (start?: string) => {
    const q = new URLSearchParams(ctx.query);
    q.delete('start');
    q.set('limit', String(page.limit));
    if (start) q.set('start', start);
    return `${ctx.base}/v1/policies?${q.toString()}`;
  };
  return ok({
    limit: page.limit,
    first: { href: href() },
    ...(page.next ? { next: { href: href(page.next), start: page.next } } : {}),
    policies: page.items.map((p) => policyView(p, ctx.base)),
  });
};

export const create: Handler = (ctx) => {
  const input = parsePolicy(platformJson(ctx), ctx.state.topology.account);
  const p = ctx.state.policies.create(input, caller(ctx));
  ctx.state.onChange();
  return withEtag(p, ctx.base, 201);
};

/** GET /v1/policies/{id}: a deleted policy is still answered, with `state: "deleted"` (Terraform checks for it). */
export const get: Handler = (ctx) => {
  const p = ctx.state.policies.find(ctx.params.id);
  if (!p) platformFail('policy_not_found', `Policy with Id ${ctx.params.id.slice(0, 80)} not found.`);
  return withEtag(p, ctx.base);
};

export const replace: Handler = (ctx) => {
  const ifMatch = ctx.headers['if-match'];
  const input = parsePolicy(platformJson(ctx), ctx.state.topology.account);
  const p = ctx.state.policies.replace(ctx.params.id, Array.isArray(ifMatch) ? ifMatch[0] : ifMatch, input, caller(ctx));
  ctx.state.onChange();
  return withEtag(p, ctx.base);
};

export const remove: Handler = (ctx) => {
  ctx.state.policies.delete(ctx.params.id, caller(ctx));
  ctx.state.onChange();
  return noContent();
};

/** The JSON body, with the media-type and syntax problems in IAM's body rather than the VPC's. */
export function platformJson(ctx: RequestContext): unknown {
  try {
    return ctx.json('application/json');
  } catch (error) {
    if (error instanceof EmulatorError && !(error instanceof PlatformError)) throw new PlatformError(error.details.map((d) => ({ code: d.code === 'unsupported_media_type' ? d.code : ('invalid_body' as const), message: d.message })));
    throw error;
  }
}
