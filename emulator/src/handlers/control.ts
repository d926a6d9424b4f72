import { EmulatorError, fail } from '../errors';
import { noContent, ok, type Handler, type RequestContext } from '../http/context';
import { bucketNameProblem } from '../models/bucketNames';
import { parseLocationConstraint } from '../models/cosLocations';
import { parseTopology } from '../models/topologyFile';
import { collectorView } from '../views/collector';
import { policyView } from '../views/policy';

/**
 * The control API under /_emulator: a public contract (emulator/README.md, "Control API"), thin over the models like
 * the rest.
 */

type Json = Record<string, unknown>;

function objectBody(ctx: RequestContext): Json {
  const body = ctx.controlBody();
  if (typeof body !== 'object' || body === null || Array.isArray(body)) fail('invalid_value', 'The request body must be a JSON object.');
  return body as Json;
}

function changed<T>(ctx: RequestContext, value: T): T {
  ctx.state.onChange();
  return value;
}

export const reset: Handler = async (ctx) => {
  await ctx.state.reset();
  return noContent();
};

export const state: Handler = async (ctx) => {
  const s = ctx.state;
  const buckets = await Promise.all(
    (await s.cos.listBuckets()).map(async (name) => ({ ...bucketView(ctx, name), objects: await s.cos.listObjects(name) })),
  );
  return ok({
    region: s.topology.region,
    account: s.topology.account,
    clock: { now: s.clock.iso(), offsetSeconds: s.clock.offsetSeconds },
    config: config(ctx),
    topology: s.topology.data,
    collectors: s.collectors.all().map((r) => collectorView(r, ctx.refs)),
    tags: s.tags.snapshot(),
    accessTags: s.tags.accessSnapshot(),
    buckets,
    authorizations: s.authorizations.scopes(),
    policies: s.policies.all().map((p) => policyView(p, ctx.base)),
    events: s.events.events,
    faults: s.faults.faults,
    flowLogs: s.flowLogs.status(),
  });
};

export const clock: Handler = (ctx) => ok({ now: ctx.state.clock.iso(), offsetSeconds: ctx.state.clock.offsetSeconds });

export const advanceClock: Handler = async (ctx) => {
  const body = objectBody(ctx);
  const seconds = body.seconds;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0 || seconds > 10 * 365 * 86400) {
    fail('invalid_value', `seconds must be a number from 0 to ${10 * 365 * 86400}; received ${JSON.stringify(seconds)?.slice(0, 40)}.`, { name: 'seconds', type: 'field' });
  }
  ctx.state.clock.advance(seconds);
  ctx.state.collectors.settle();
  // The windows the advance crossed are in COS before the answer goes out.
  const flowLogs = await ctx.state.flowLogs.advanced();
  return changed(ctx, ok({ now: ctx.state.clock.iso(), offsetSeconds: ctx.state.clock.offsetSeconds, flowLogs }));
};

export const addFault: Handler = (ctx) => ok(ctx.state.faults.add(ctx.controlBody()), 201);
export const listFaults: Handler = (ctx) => ok({ faults: ctx.state.faults.faults });
export const clearFaults: Handler = (ctx) => {
  ctx.state.faults.clear();
  return noContent();
};

export const requests: Handler = (ctx) => ok(ctx.state.counters.toJSON());
export const clearRequests: Handler = (ctx) => {
  ctx.state.counters.clear();
  return noContent();
};

function config(ctx: RequestContext) {
  return { ...ctx.state.collectors.settings, tokenLifetimeSeconds: ctx.state.iam.tokenLifetimeSeconds };
}

export const getConfig: Handler = (ctx) => ok(config(ctx));

export const setConfig: Handler = (ctx) => {
  const body = objectBody(ctx);
  const allowed = ['pendingSeconds', 'deletingSeconds', 'tokenLifetimeSeconds'] as const;
  const problems = Object.entries(body).flatMap(([key, value]) => {
    if (!(allowed as readonly string[]).includes(key)) return [`unknown setting "${key}"; allowed: ${allowed.join(', ')}`];
    const max = key === 'tokenLifetimeSeconds' ? 86400 : 3600;
    const min = key === 'tokenLifetimeSeconds' ? 1 : 0;
    return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? [] : [`${key} must be a number from ${min} to ${max}; received ${JSON.stringify(value)?.slice(0, 40)}`];
  });
  if (problems.length > 0) throw new EmulatorError(problems.map((message) => ({ code: 'invalid_value' as const, message: `Configuration not changed: ${message}.` })));
  const s = ctx.state;
  if (body.pendingSeconds !== undefined) s.collectors.settings.pendingSeconds = body.pendingSeconds as number;
  if (body.deletingSeconds !== undefined) s.collectors.settings.deletingSeconds = body.deletingSeconds as number;
  if (body.tokenLifetimeSeconds !== undefined) s.iam.tokenLifetimeSeconds = body.tokenLifetimeSeconds as number;
  return changed(ctx, ok(config(ctx)));
};

/** Every access token issued so far answers 401 `expired` (token lifetimes run on wall time; README "Auth"). */
export const expireTokens: Handler = (ctx) => {
  ctx.state.iam.expireIssued();
  return noContent();
};

export const planLifecycle: Handler = (ctx) => {
  const body = objectBody(ctx);
  const outcome = body.outcome;
  const count = body.count ?? 1;
  if (outcome !== 'failed' && outcome !== 'stuck') fail('invalid_value', `outcome must be "failed" or "stuck"; received ${JSON.stringify(outcome)?.slice(0, 40)}.`, { name: 'outcome', type: 'field' });
  if (!Number.isInteger(count) || (count as number) < 1 || (count as number) > 10000) fail('invalid_value', 'count must be a whole number from 1 to 10000.', { name: 'count', type: 'field' });
  for (let i = 0; i < (count as number); i++) ctx.state.collectors.planned.push(outcome);
  return changed(ctx, ok({ planned: ctx.state.collectors.planned }));
};

export const replaceTopology: Handler = async (ctx) => {
  const parsed = parseTopology(ctx.controlBody());
  if (!parsed.ok) {
    throw new EmulatorError(parsed.issues.map((i) => ({ code: 'invalid_value' as const, message: `Topology not loaded: ${i.path}: ${i.reason}.`, target: { name: i.path, type: 'field' as const } })));
  }
  const collectorsDeleted = await ctx.state.replaceTopology(parsed.topology);
  return ok({ topology: ctx.state.topology.data, collectorsDeleted });
};

export const removeResource: Handler = (ctx) => {
  const result = ctx.state.removeResource(ctx.params.id);
  if (!result) fail('not_found', `No topology resource has id "${ctx.params.id}".`, { name: 'id', type: 'parameter', value: ctx.params.id });
  return ok(result);
};

/** A bucket as the control API shows it: `authorized` for collectors of the default resource group. */
function bucketView(ctx: RequestContext, name: string) {
  const s = ctx.state;
  return { name, location: s.cos.locationOf(name), authorized: s.cos.isAuthorized(name, s.topology.defaultResourceGroup()?.id) };
}

export const listBuckets: Handler = async (ctx) => ok({ buckets: (await ctx.state.cos.listBuckets()).map((name) => bucketView(ctx, name)) });

export const createBucket: Handler = async (ctx) => {
  const body = objectBody(ctx);
  const name = body.name;
  if (typeof name !== 'string') fail('missing_field', 'name is required: the bucket name.', { name: 'name', type: 'field' });
  const problem = bucketNameProblem(name);
  if (problem) fail('invalid_value', `${problem}.`, { name: 'name', type: 'field', value: name.slice(0, 80) });
  if (body.authorized !== undefined && typeof body.authorized !== 'boolean') fail('invalid_value', 'authorized must be a boolean.', { name: 'authorized', type: 'field' });
  let location: string | undefined;
  if (body.location !== undefined) {
    const parsed = typeof body.location === 'string' ? parseLocationConstraint(body.location, ctx.state.topology.region) : { problem: 'location must be a string' };
    if ('problem' in parsed) fail('invalid_value', `${parsed.problem}.`, { name: 'location', type: 'field', value: typeof body.location === 'string' ? body.location.slice(0, 60) : undefined });
    location = parsed.code;
  }
  if (await ctx.state.cos.bucketExists(name)) fail('bucket_conflict', `Bucket "${name}" already exists.`, { name: 'name', type: 'field', value: name });
  await ctx.state.cos.createBucket(name, location);
  if (body.authorized !== false) ctx.state.authorizations.grant(name);
  return changed(ctx, ok(bucketView(ctx, name), 201));
};

/** A bucket name from the path, checked before it touches storage (`..%2F..` must not name a folder). */
function bucketParam(ctx: RequestContext, param: string, allowAll = false): string {
  const name = ctx.params[param];
  const problem = allowAll && name === '*' ? undefined : bucketNameProblem(name);
  if (problem) fail('invalid_value', `${problem}.`, { name: param, type: 'parameter', value: name.slice(0, 80) });
  return name;
}

export const deleteBucket: Handler = async (ctx) => {
  const name = bucketParam(ctx, 'name');
  if (!(await ctx.state.cos.bucketExists(name))) fail('bucket_not_found', `Bucket "${name}" does not exist.`, { name: 'name', type: 'parameter', value: name });
  await ctx.state.cos.deleteBucket(name);
  return changed(ctx, noContent());
};

export const listAuthorizations: Handler = (ctx) => ok({ authorizations: ctx.state.authorizations.scopes() });

export const addAuthorization: Handler = (ctx) => {
  const bucket = objectBody(ctx).bucket;
  if (typeof bucket !== 'string' || (bucket !== '*' && bucketNameProblem(bucket))) {
    fail('invalid_value', 'bucket must be a bucket name, or "*" for every bucket of the COS instance.', { name: 'bucket', type: 'field' });
  }
  ctx.state.authorizations.grant(bucket);
  return changed(ctx, ok({ authorizations: ctx.state.authorizations.scopes() }, 201));
};

export const removeAuthorization: Handler = (ctx) => {
  const bucket = bucketParam(ctx, 'bucket', true);
  if (ctx.state.authorizations.revoke(bucket) === 0) {
    fail('not_found', `No authorization for "${bucket}".`, { name: 'bucket', type: 'parameter', value: bucket });
  }
  return changed(ctx, noContent());
};
