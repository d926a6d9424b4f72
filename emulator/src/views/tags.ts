/** Global Tagging's shapes: `TagList` for GET /v3/tags and `TagResults` for attach and detach. */

export function tagListView(names: string[], offset: number, limit: number) {
  return { total_count: names.length, offset, limit, items: names.slice(offset, offset + limit).map((name) => ({ name })) };
}

export function tagResultsView(results: Array<{ resourceId: string; error?: string }>) {
  return {
    results: results.map((r) => ({ resource_id: r.resourceId, is_error: r.error !== undefined, ...(r.error ? { message: r.error } : {}) })),
  };
}
