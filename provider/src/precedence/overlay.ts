/** Planned collectors laid over live ones: the collector set a plan leads to. */
import type { CollectorSpec } from './types';


/**
 * The collector set after a plan: live collectors, minus those whose id is in `remove`, with each upsert replacing
 * every live collector that has its id or its targetId (in the place of the first it replaces; an upsert that
 * replaces nothing is appended). Removals apply to live collectors only, so an id both removed and upserted ends up
 * as the upsert.
 */
export function overlay(live: CollectorSpec[], planned: { upsert: CollectorSpec[]; remove: string[] }): CollectorSpec[] {
  const removed = new Set(planned.remove);
  const upsertById = new Map<string, number>();
  const upsertByTarget = new Map<string, number>();
  planned.upsert.forEach((u, k) => {
    if (!upsertById.has(u.id)) upsertById.set(u.id, k);
    if (!upsertByTarget.has(u.targetId)) upsertByTarget.set(u.targetId, k);
  });
  const placed = new Set<number>();
  const out: CollectorSpec[] = [];
  for (const c of live) {
    if (removed.has(c.id)) continue;
    const k = upsertById.get(c.id) ?? upsertByTarget.get(c.targetId);
    if (k === undefined) {
      out.push(c);
    } else if (!placed.has(k)) {
      placed.add(k);
      out.push(planned.upsert[k]);
    }
  }
  planned.upsert.forEach((u, k) => {
    if (!placed.has(k)) out.push(u);
  });
  return out;
}

