import { fail } from '../errors';

/** Page sizes: IBM does not publish them; the emulator's choice (README): default 50, 1 to 100. */
export const PAGE_LIMIT = { default: 50, min: 1, max: 100 };

export interface PageRequest {
  limit: number;
  /** Position of the first item of the page (0 when absent). */
  offset: number;
}

export interface Page<T> {
  items: T[];
  limit: number;
  totalCount: number;
  /** `start` token of the next page; absent on the last page. */
  next?: string;
}

// Tokens are opaque to clients, as IBM's are; here they carry the position of the next page's first item.
const encode = (offset: number) => Buffer.from(`p${offset}`).toString('base64url');

export function parsePaging(query: URLSearchParams): PageRequest {
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
    const m = /^p(\d+)$/.exec(Buffer.from(start, 'base64url').toString('utf8'));
    if (!m || encode(Number(m[1])) !== start) {
      fail('invalid_value', `start "${start.slice(0, 60)}" is not a page token this API issued; use the start from a next.href.`, { name: 'start', type: 'parameter', value: start.slice(0, 60) });
    }
    offset = Number(m[1]);
  }
  return { limit, offset };
}

/**
 * One page of an ordered list. Items are addressed by position in the filtered list; clients following `next`
 * while others create or delete may see an item twice or miss one, as with any offset paging.
 */
export function paginate<T>(items: T[], request: PageRequest): Page<T> {
  const slice = items.slice(request.offset, request.offset + request.limit);
  const end = request.offset + slice.length;
  return { items: slice, limit: request.limit, totalCount: items.length, ...(end < items.length ? { next: encode(end) } : {}) };
}
