/** What changes between two resolutions, interface by interface (README.md, "What the provider does"). */
import { type Compact, compactOf, outcomeObject, sameInterfaces } from './compact';
import { sortById } from './sortIds';
import type { InterfaceChange, InterfaceResult, Resolution, Topology } from './types';

export type Outcome = InterfaceChange['before'];

function kindOf(before: Outcome, after: Outcome): InterfaceChange['kind'] {
  const deliveredBefore = before !== undefined && before.active;
  const deliveredAfter = after !== undefined && after.active;
  if (deliveredBefore && deliveredAfter) return before.bucket === after.bucket ? 'rewon' : 'moved';
  if (deliveredBefore) return 'stopped';
  if (deliveredAfter) return 'started';
  return 'rewon';
}

function sameOutcome(a: Outcome, b: Outcome): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.collectorId === b.collectorId && a.bucket === b.bucket && a.active === b.active;
}

function change(interfaceId: string, before: Outcome, after: Outcome): InterfaceChange {
  const kind = kindOf(before, after);
  if (before !== undefined && after !== undefined) return { interfaceId, before, after, kind };
  if (before !== undefined) return { interfaceId, before, kind };
  if (after !== undefined) return { interfaceId, after, kind };
  return { interfaceId, kind };
}

const sortedCache = new WeakMap<object, boolean>();

/** Whether the topology's interfaces are already in id order (so changes found in topology order need no sort). */
function interfacesSorted(ifs: Topology['interfaces']): boolean {
  let sorted = sortedCache.get(ifs);
  if (sorted === undefined) {
    sorted = true;
    for (let i = 1; i < ifs.length; i++) {
      if (!(ifs[i - 1].id < ifs[i].id)) {
        sorted = false;
        break;
      }
    }
    sortedCache.set(ifs, sorted);
  }
  return sorted;
}

const interfaceIdOf = (x: { interfaceId: string }) => x.interfaceId;


/**
 * Interface by interface, what changes between two resolutions (of the same topology, or of two topologies: an
 * interface only in one has no winner in the other). Only interfaces whose outcome (winning collector, its bucket,
 * whether it is active) differs, sorted by interfaceId. Kinds: `moved` (delivered before and after, to different
 * buckets), `stopped` (delivered before, not after: the winner is suspended or there is none), `started` (the
 * reverse), `rewon` (another outcome with the same delivery: the same bucket through another collector, or no
 * delivery before and after, e.g. a suspended winner giving way to none).
 */
export function diffResolutions(before: Resolution, after: Resolution): InterfaceChange[] {
  const a = compactOf(before);
  const b = compactOf(after);
  if (a !== undefined && b !== undefined && sameInterfaces(a.topology.interfaces, b.topology.interfaces)) {
    return diffCompact(a, b);
  }
  return diffObjects(before, after);
}

function diffCompact(a: Compact, b: Compact): InterfaceChange[] {
  // Give each collector id and bucket one number shared by both sides, so the loop compares integers.
  const idKeys = new Map<string, number>();
  const bucketKeys = new Map<string, number>();
  const keys = (cp: Compact) => {
    const m = cp.collectors.length;
    const id = new Int32Array(m);
    const bucket = new Int32Array(m);
    const active = new Uint8Array(m);
    for (let c = 0; c < m; c++) {
      const spec = cp.collectors[c];
      let k = idKeys.get(spec.id);
      if (k === undefined) idKeys.set(spec.id, (k = idKeys.size));
      id[c] = k;
      let bk = bucketKeys.get(spec.bucket);
      if (bk === undefined) bucketKeys.set(spec.bucket, (bk = bucketKeys.size));
      bucket[c] = bk;
      active[c] = spec.active ? 1 : 0;
    }
    return { id, bucket, active };
  };
  const ka = keys(a);
  const kb = keys(b);
  const wa = a.winner;
  const wb = b.winner;
  const ifs = a.topology.interfaces;
  const n = ifs.length;
  const out: InterfaceChange[] = [];
  for (let i = 0; i < n; i++) {
    const x = wa[i];
    const y = wb[i];
    if (x < 0) {
      if (y < 0) continue;
    } else if (y >= 0 && ka.id[x] === kb.id[y] && ka.bucket[x] === kb.bucket[y] && ka.active[x] === kb.active[y]) {
      continue;
    }
    out.push(change(ifs[i].id, x < 0 ? undefined : outcomeObject(a, x), y < 0 ? undefined : outcomeObject(b, y)));
  }
  if (!interfacesSorted(ifs)) sortById(out, interfaceIdOf);
  return out;
}

function diffObjects(before: Resolution, after: Resolution): InterfaceChange[] {
  const outcome = (r: InterfaceResult): Outcome =>
    r.winner === undefined ? undefined : { collectorId: r.winner.collectorId, bucket: r.winner.bucket, active: r.winner.active };
  const afterById = new Map<string, InterfaceResult>();
  for (const r of after.interfaces) afterById.set(r.interfaceId, r);
  const out: InterfaceChange[] = [];
  const seen = new Set<string>();
  for (const r of before.interfaces) {
    seen.add(r.interfaceId);
    const other = afterById.get(r.interfaceId);
    const x = outcome(r);
    const y = other === undefined ? undefined : outcome(other);
    if (!sameOutcome(x, y)) out.push(change(r.interfaceId, x, y));
  }
  for (const r of after.interfaces) {
    if (seen.has(r.interfaceId)) continue;
    const y = outcome(r);
    if (y !== undefined) out.push(change(r.interfaceId, undefined, y));
  }
  return sortById(out, interfaceIdOf);
}

// ---------------------------------------------------------------------------------------------------------------
