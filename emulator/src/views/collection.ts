import type { Page } from '../models/paging';

/** IBM's collection envelope: `first`, `limit`, `next` (all pages but the last), `total_count`, and the items. */
export function collectionView<T>(base: string, path: string, key: string, page: Page<T>, filters: Record<string, string>, items: unknown[]) {
  const href = (start?: string) => {
    const q = new URLSearchParams({ ...filters, limit: String(page.limit), ...(start ? { start } : {}) });
    return `${base}${path}?${q.toString()}`;
  };
  return {
    first: { href: href() },
    limit: page.limit,
    ...(page.next ? { next: { href: href(page.next) } } : {}),
    total_count: page.totalCount,
    [key]: items,
  };
}
