import { EmulatorError, fail, type ErrorDetail } from '../errors';
import { ok, type Handler, type RequestContext } from '../http/context';
import { tagProblem, type TagType } from '../models/tags';
import { tagListView, tagResultsView } from '../views/tags';

/**
 * Global Tagging (`/v3/tags`): user tags and access management tags by resource CRN, as Terraform's `tags` and
 * `access_tags` and the provider use them. Service tags need a service identity the emulator does not model.
 */

const TAG_TYPES = ['user', 'service', 'access'];
const LIST_LIMIT = { default: 100, max: 1000 };
const MAX_RESOURCES = 100;
const MAX_TAG_NAMES = 100;

function tagType(ctx: RequestContext): string {
  const type = ctx.query.get('tag_type') ?? 'user';
  if (!TAG_TYPES.includes(type)) fail('invalid_value', `tag_type "${type.slice(0, 40)}" is not one of ${TAG_TYPES.join(', ')}.`, { name: 'tag_type', type: 'parameter', value: type.slice(0, 40) });
  return type;
}

/** user or access; service is refused for changes (it needs the owning service's identity). */
function changeableType(ctx: RequestContext): TagType {
  const type = tagType(ctx);
  if (type === 'service') fail('invalid_value', 'tag_type "service" is not supported by the emulator: service tags are attached by the owning service\'s identity; use user or access.', { name: 'tag_type', type: 'parameter', value: type });
  return type as TagType;
}

function wholeNumber(ctx: RequestContext, name: string, min: number, max: number, fallback: number): number {
  const raw = ctx.query.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) fail('invalid_value', `${name} must be a whole number from ${min} to ${max}; received "${raw.slice(0, 40)}".`, { name, type: 'parameter', value: raw.slice(0, 40) });
  return n;
}

/** GET /v3/tags: the tags attached to `attached_to`, or every tag of the type; `offset`/`limit` paging. */
export const list: Handler = (ctx) => {
  const type = tagType(ctx);
  const providers = (ctx.query.get('providers') ?? 'ghost').split(',');
  const unknown = providers.filter((p) => p !== 'ghost' && p !== 'ims');
  if (unknown.length > 0) fail('invalid_value', `providers must be ghost, ims or ghost,ims; received "${ctx.query.get('providers')?.slice(0, 40)}".`, { name: 'providers', type: 'parameter' });
  const offset = wholeNumber(ctx, 'offset', 0, 1_000_000, 0);
  const limit = wholeNumber(ctx, 'limit', 1, LIST_LIMIT.max, LIST_LIMIT.default);
  const order = ctx.query.get('order_by_name') ?? 'asc';
  if (order !== 'asc' && order !== 'desc') fail('invalid_value', `order_by_name must be asc or desc; received "${order.slice(0, 20)}".`, { name: 'order_by_name', type: 'parameter' });
  const attachedTo = ctx.query.get('attached_to');
  const attachedOnly = ctx.query.get('attached_only') === 'true';
  // The emulator keeps tags of Global Search and Tagging ("ghost") resources only, and no service tags.
  let names: string[] = [];
  if (type !== 'service' && providers.includes('ghost')) {
    names = attachedTo !== null ? ctx.state.tags.of(attachedTo, type as TagType) : ctx.state.tags.allNames(type as TagType, attachedOnly);
  }
  if (order === 'desc') names = [...names].reverse();
  return ok(tagListView(names, offset, limit));
};

function bodyObject(ctx: RequestContext, shape: string): Record<string, unknown> {
  const body = ctx.json('application/json');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) fail('invalid_request', `The request body must be a JSON object: ${shape}.`);
  return body as Record<string, unknown>;
}

/** `tag_name` and `tag_names` of a body, each checked against the type's rule; problems are added to `problems`. */
function tagNames(o: Record<string, unknown>, type: TagType, action: string, problems: ErrorDetail[]): string[] {
  const names: Array<{ value: unknown; path: string }> = [];
  if (o.tag_name !== undefined) names.push({ value: o.tag_name, path: 'tag_name' });
  if (o.tag_names !== undefined) {
    if (!Array.isArray(o.tag_names) || o.tag_names.length > MAX_TAG_NAMES) {
      problems.push({ code: 'invalid_value', message: `tag_names must be a list of up to ${MAX_TAG_NAMES} tag names.`, target: { name: 'tag_names', type: 'field' } });
    } else {
      o.tag_names.forEach((value, i) => names.push({ value, path: `tag_names[${i}]` }));
    }
  }
  if (o.tag_name === undefined && (o.tag_names === undefined || (Array.isArray(o.tag_names) && o.tag_names.length === 0))) {
    problems.push({ code: 'missing_field', message: `tag_name or tag_names is required: the tags to ${action}.`, target: { name: 'tag_names', type: 'field' } });
  }
  for (const n of names) {
    const problem = tagProblem(n.value, type);
    if (problem) problems.push({ code: 'invalid_value', message: `${n.path}: ${problem}.`, target: { name: n.path, type: 'field', value: typeof n.value === 'string' ? n.value.slice(0, 130) : undefined } });
  }
  return names.map((n) => n.value as string);
}

interface ChangeRequest {
  type: TagType;
  crns: string[];
  names: string[];
}

/** The attach/detach body, with every problem listed at once. */
function changeRequest(ctx: RequestContext, action: 'attach' | 'detach'): ChangeRequest {
  const type = changeableType(ctx);
  const o = bodyObject(ctx, '{"resources": [{"resource_id": <CRN>}], "tag_names": [...]}');
  const problems: ErrorDetail[] = [];
  const crns: string[] = [];
  if (o.resources === undefined) {
    problems.push({ code: 'missing_field', message: 'resources is required: a list of {"resource_id": <CRN>}.', target: { name: 'resources', type: 'field' } });
  } else if (!Array.isArray(o.resources) || o.resources.length === 0 || o.resources.length > MAX_RESOURCES) {
    problems.push({ code: 'invalid_value', message: `resources must be a list of 1 to ${MAX_RESOURCES} {"resource_id": <CRN>} objects.`, target: { name: 'resources', type: 'field' } });
  } else {
    o.resources.forEach((r, i) => {
      const id = (r as Record<string, unknown> | null)?.resource_id;
      if (typeof id !== 'string' || id === '') problems.push({ code: 'invalid_value', message: `resources[${i}].resource_id must be a resource CRN.`, target: { name: `resources[${i}].resource_id`, type: 'field' } });
      else crns.push(id);
    });
  }
  const names = tagNames(o, type, action, problems);
  // Access tags are created in the account before they can be attached (IBM: "access management tags ... must exist").
  if (type === 'access' && action === 'attach' && problems.length === 0) {
    for (const missing of ctx.state.tags.undefinedAccessTags(names)) {
      problems.push({
        code: 'tag_not_found',
        message: `The access management tag "${missing}" does not exist in this account; create it first with POST /v3/tags?tag_type=access.`,
        target: { name: 'tag_names', type: 'field', value: missing },
      });
    }
  }
  if (problems.length > 0) throw new EmulatorError(problems);
  return { type, crns, names };
}

function change(action: 'attach' | 'detach'): Handler {
  return (ctx) => {
    const request = changeRequest(ctx, action);
    const known = ctx.state.knownCrns();
    // Like Global Tagging, one unknown resource does not fail the others: its result says is_error.
    const results = request.crns.map((crn) => {
      if (!known.has(crn)) return { resourceId: crn, error: `No resource with CRN "${crn.slice(0, 200)}" exists in this account, or it cannot be tagged.` };
      if (action === 'attach') ctx.state.tags.attach(crn, request.names, request.type);
      else ctx.state.tags.detach(crn, request.names, request.type);
      return { resourceId: crn };
    });
    ctx.state.onChange();
    return ok(tagResultsView(results));
  };
}

export const attach = change('attach');
export const detach = change('detach');

/** POST /v3/tags?tag_type=access: creates access management tags in the account (IBM creates only those this way). */
export const create: Handler = (ctx) => {
  const type = tagType(ctx);
  if (type !== 'access') fail('invalid_value', `tag_type "${type}" cannot be created: only access management tags are created (user tags come into being when attached); use tag_type=access.`, { name: 'tag_type', type: 'parameter', value: type });
  const o = bodyObject(ctx, '{"tag_names": ["key:value", ...]}');
  const problems: ErrorDetail[] = [];
  const names = tagNames(o, 'access', 'create', problems);
  if (problems.length > 0) throw new EmulatorError(problems);
  ctx.state.tags.createAccess(names);
  ctx.state.onChange();
  return ok({ results: names.map((name) => ({ tag_name: name.toLowerCase(), is_error: false })) });
};

/** DELETE /v3/tags/{tag_name}: deletes a tag nothing holds; one still attached answers is_error, as IBM reports per provider. */
export const remove: Handler = (ctx) => {
  const type = changeableType(ctx);
  const name = ctx.params.tag_name;
  const outcome = ctx.state.tags.deleteTag(name, type);
  if (outcome === 'not_found') fail('tag_not_found', `No ${type} tag named "${name.slice(0, 130)}" exists in this account.`, { name: 'tag_name', type: 'parameter', value: name.slice(0, 130) });
  if (outcome === 'deleted') ctx.state.onChange();
  return ok({
    results: [
      outcome === 'deleted'
        ? { provider: 'ghost', is_error: false }
        : { provider: 'ghost', is_error: true, message: `The ${type} tag "${name.slice(0, 130)}" is attached to resources; detach it from all of them first.` },
    ],
  });
};
