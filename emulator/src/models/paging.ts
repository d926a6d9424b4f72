import { createHash } from 'node:crypto';
import { fail } from '../errors';

/** Page sizes: IBM does not publish them; the emulator's choice (README): default 50, 1 to 100. */
export const PAGE_LIMIT = { default: 50, min: 1, max: 100 };

export interface PageRequest {
  limit: number;
  /** Position of the first item of the page (0 when absent). */
  offset: number;
  /** The listing the page belongs to (path and filters), which every `start` token of it carries. */
  scope: string;
}

export interface Page<T> {
  items: T[];
  limit: number;
  totalCount: number;
  /** `start` token of the next page; absent on the last page. */
  next?: string;
}

/**
 * A listing's identity: its path and its filters (sorted, so their order in the query does not matter). `limit` is
 * not part of it: a client may change the page size between pages.
 */
export function listingScope(path: string, filters: Record<string, string | undefined>): string {
  const pairs = Object.entries(filters)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash('sha256').update(JSON.stringify([path, pairs])).digest('hex').slice(0, 12);
}

// Tokens are opaque to clients, as IBM's are; here they carry the position of the next page's first item and the
// listing they belong to, so a `start` cannot be replayed under other filters (the emulator's choice: README).
const encode = (offset: number, scope: string) => Buffer.from(`p${offset}.${scope}`).toString('base64url');

export function parsePaging(query: URLSearchParams, scope: string): PageRequest {
  const rawLimit = query.get('limit');
  let limit = PAGE_LIMIT.default;
  if (rawLimit !== null) {
    limit = Number(rawLimit);
    if (!/^\d+$/.test(rawLimit) || limit < PAGE_LIMIT.min || limit > PAGE_LIMIT.max) {
      fail('invalid_value', `limit must be a whole number from ${PAGE_LIMIT.min} to ${PAGE_LIMIT.max}; received "${rawLimit.slice(0, 40)}".`, { name: 'limit', type: 'parameter', value: rawLimit.slice(0, 40) });
    }
  }
  const start = query.get('start');
  let offset = 0;
  if (start !== null) {
    const shown = start.slice(0, 60);
    const m = /^p(\d+)\.([0-9a-f]{12})$/.exec(Buffer.from(start, 'base64url').toString('utf8'));
    if (!m || encode(Number(m[1]), m[2]) !== start) {
      fail('invalid_value', `start "${shown}" is not a page token this API issued; use the start from a next.href.`, { name: 'start', type: 'parameter', value: shown });
    }
    if (m[2] !== scope) {
      fail(
        'invalid_value',
        `start "${shown}" belongs to a listing with other filters; a page token keeps the filters of the listing that issued it. Follow next.href as given, or list again from the first page with the new filters.`,
        { name: 'start', type: 'parameter', value: shown },
      );
    }
    offset = Number(m[1]);
  }
  return { limit, offset, scope };
}

/**
 * One page of an ordered list. Items are addressed by position in the filtered list; clients following `next`
 * while others create or delete may see an item twice or miss one, as with any offset paging.
 */
export function paginate<T>(items: readonly T[], request: PageRequest): Page<T> {
  const slice = items.slice(request.offset, request.offset + request.limit);
  const end = request.offset + slice.length;
  return { items: slice, limit: request.limit, totalCount: items.length, ...(end < items.length ? { next: encode(end, request.scope) } : {}) };
}
