import { fail } from '../errors';
import { ok, type Handler } from '../http/context';

/**
 * Global Search (`POST /v3/resources/search`), as Terraform reads tags through it (Global Tagging is rate-limited):
 * `{"query": "crn:\"<CRN>\"", "fields": ["tags", "access_tags", "service_tags"]}`. The emulator understands the
 * queries such clients send: `crn:"<CRN>"` terms joined by `OR`, and `*` for everything taggable; anything else is
 * refused with the grammar it takes. Items carry `crn` and the fields asked for (`name`, `type`, `region`, `family`,
 * `resource_group_id`, `tags`, `access_tags`, `service_tags`); `limit` 1-1000 (default 10), `search_cursor` pages.
 */

const FIELDS = ['crn', 'name', 'type', 'region', 'family', 'resource_group_id', 'tags', 'access_tags', 'service_tags'];
const LIMIT = { default: 10, max: 1000 };

interface Searchable {
  crn: string;
  name: string;
  type: string;
  resourceGroupId: string;
}

function parseQuery(query: string): Set<string> | 'all' {
  const text = query.trim();
  if (text === '*') return 'all';
  const crns = new Set<string>();
  for (const term of text.split(/\s+OR\s+/)) {
    const m = /^crn:(?:"([^"]+)"|(\S+))$/.exec(term.trim());
    if (!m) fail('invalid_value', `query "${query.slice(0, 120)}" is not one the emulator's Global Search understands: crn:"<CRN>" terms joined by OR, or *.`, { name: 'query', type: 'field', value: query.slice(0, 120) });
    crns.add(m[1] ?? m[2].replace(/\\(.)/g, '$1'));
  }
  return crns;
}

const cursorOf = (offset: number) => Buffer.from(`s${offset}`).toString('base64url');

export const search: Handler = (ctx) => {
  const body = ctx.json('application/json');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) fail('invalid_request', 'The request body must be a JSON object: {"query": ..., "fields": [...]}.');
  const o = body as Record<string, unknown>;
  if (typeof o.query !== 'string' || o.query.trim() === '') fail('missing_field', 'query is required: a Lucene query such as crn:"<CRN>".', { name: 'query', type: 'field' });
  const fields = o.fields === undefined ? ['crn'] : o.fields;
  if (!Array.isArray(fields) || fields.some((f) => typeof f !== 'string')) fail('invalid_value', 'fields must be a list of field names.', { name: 'fields', type: 'field' });
  const unknown = (fields as string[]).filter((f) => f !== '*' && !FIELDS.includes(f));
  if (unknown.length > 0) fail('invalid_value', `fields ${unknown.map((f) => `"${f.slice(0, 40)}"`).join(', ')} are not served by the emulator; it serves ${FIELDS.join(', ')}.`, { name: 'fields', type: 'field' });
  const raw = ctx.query.get('limit');
  const limit = raw === null ? LIMIT.default : Number(raw);
  if (raw !== null && (!/^\d+$/.test(raw) || limit < 1 || limit > LIMIT.max)) fail('invalid_value', `limit must be a whole number from 1 to ${LIMIT.max}; received "${raw.slice(0, 20)}".`, { name: 'limit', type: 'parameter', value: raw.slice(0, 20) });
  let offset = 0;
  if (o.search_cursor !== undefined) {
    const m = typeof o.search_cursor === 'string' ? /^s(\d+)$/.exec(Buffer.from(o.search_cursor, 'base64url').toString('utf8')) : null;
    if (!m || cursorOf(Number(m[1])) !== o.search_cursor) fail('invalid_value', 'search_cursor is not one this API returned.', { name: 'search_cursor', type: 'field' });
    offset = Number(m[1]);
  }

  const wanted = parseQuery(o.query);
  const d = ctx.state.topology.data;
  const all: Searchable[] = [
    ...d.vpcs.map((x) => ({ crn: x.crn, name: x.name, type: 'vpc', resourceGroupId: x.resourceGroupId })),
    ...d.subnets.map((x) => ({ crn: x.crn, name: x.name, type: 'subnet', resourceGroupId: x.resourceGroupId })),
    ...d.instances.map((x) => ({ crn: x.crn, name: x.name, type: 'instance', resourceGroupId: x.resourceGroupId })),
    ...d.virtualNetworkInterfaces.map((x) => ({ crn: x.crn, name: x.name, type: 'virtual-network-interface', resourceGroupId: x.resourceGroupId })),
    ...ctx.state.collectors.all().map((c) => ({ crn: c.crn, name: c.name, type: 'flow-log-collector', resourceGroupId: c.resourceGroupId })),
  ];
  const hits = wanted === 'all' ? all : all.filter((r) => wanted.has(r.crn));
  const page = hits.slice(offset, offset + limit);
  const every = (fields as string[]).includes('*');
  const pick = (name: string) => every || (fields as string[]).includes(name);
  const items = page.map((r) => ({
    crn: r.crn,
    ...(pick('name') ? { name: r.name } : {}),
    ...(pick('type') ? { type: r.type } : {}),
    ...(pick('region') ? { region: ctx.state.topology.region } : {}),
    ...(pick('family') ? { family: 'is' } : {}),
    ...(pick('resource_group_id') ? { resource_group_id: r.resourceGroupId } : {}),
    ...(pick('tags') ? { tags: ctx.state.tags.of(r.crn, 'user') } : {}),
    ...(pick('access_tags') ? { access_tags: ctx.state.tags.of(r.crn, 'access') } : {}),
    ...(pick('service_tags') ? { service_tags: [] } : {}),
  }));
  const end = offset + page.length;
  return ok({ ...(end < hits.length ? { search_cursor: cursorOf(end) } : {}), limit, items });
};
