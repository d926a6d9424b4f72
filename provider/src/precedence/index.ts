/**
 * The precedence simulator (design.md §4): which collector receives each interface's flow logs.
 *
 * Plain data in, plain data out; nothing here does I/O or imports anything outside this folder.
 *
 * How it stays fast at a million interfaces: `resolve` builds one index from target id to collector (`IdIndex`, a
 * hash table on typed arrays), walks the interfaces once, and writes its answer into typed arrays (the "compact
 * form", kept on the result under a private symbol). The object form the types describe (`interfaces`, `receivedBy`, `uncovered`) is built from the compact
 * form on first read and then cached; `diffResolutions` and `coverageOf` work on the compact form directly.
 * Pieces of the object form that are the same for many interfaces (a winner, an empty `shadowed`) are shared and
 * frozen: treat a Resolution as read-only.
 */
import type {
  CollectorSpec,
  Conflict,
  CoverageEntry,
  InterfaceChange,
  InterfaceResult,
  Level,
  Resolution,
  ResolveOptions,
  Topology,
} from './types';
import { IdIndex } from './idIndex';
import { sortById, sortIds } from './sortIds';

export * from './types';

/** The precedence order of design.md §4, most specific first. A collector on an earlier level wins. */
export const PRECEDENCE: readonly Level[] = Object.freeze([
  'interface',
  'virtual_network_interface',
  'instance',
  'subnet',
  'vpc',
] as Level[]);

/**
 * design.md §4: a suspended collector (`active: false`) still holds its place in the precedence order, so the
 * interfaces it wins get no flow logs while it is suspended (rather than falling through to a less specific
 * collector). This is our reading of the service; every report that depends on it says so. `resolve` reads it.
 */
export const SUSPENDED_COLLECTOR_HOLDS_ITS_PLACE: boolean = true;

const LEVELS = 5;
const L_INTERFACE = 0;
const L_VNI = 1;
const L_INSTANCE = 2;
const L_SUBNET = 3;
const L_VPC = 4;
const NONE = -1;

/** The private compact form a Resolution carries. */
const COMPACT: unique symbol = Symbol('ibmflowlogs.precedence.compact');

interface Compact {
  topology: Topology;
  collectors: readonly CollectorSpec[];
  /** Per interface and level (index i * 5 + level): the collector on that level of its chain, or -1. */
  chain: Int32Array;
  /** Per interface: the winning collector, or -1. */
  winner: Int32Array;
  /** Per interface: the level it was won at (255 when uncovered). */
  winLevel: Uint8Array;
  /** Per interface: its subnet's index in topology.subnets, or -1. */
  subnetOf: Int32Array;
  /** Per subnet: the collector on it and the one on its VPC, or -1. */
  subnetCollector: Int32Array;
  subnetVpcCollector: Int32Array;
  /** Per subnet, built on demand: the ids of the collectors on its subnet and VPC levels, and on its VPC level. */
  subnetTails: Array<string[] | undefined>;
  vpcTails: Array<string[] | undefined>;
  /** Per collector: the level of its target, or -1 (unknown target). */
  collectorLevel: Int8Array;
  /** Interfaces grouped by winner: group g (collector g, or the uncovered for g = m) is members[start[g] .. start[g+1]). */
  start: Int32Array;
  members: Int32Array;
  /** Collector id → its positions in `collectors`, built on demand (by coverageOf). */
  byId?: Map<string, number[]>;
  /** Shared frozen pieces of the object form, built on demand. */
  winnerObjects: Array<InterfaceResult['winner']>;
  outcomeObjects: Array<InterfaceChange['before']>;
}

type Resolved = Resolution & { [COMPACT]?: Compact };

const EMPTY: string[] = Object.freeze([]) as unknown as string[];

/**
 * For every topology interface, the collector that receives its flow logs: the most specific collector on its chain
 * (the interface itself, its virtual network interface, its instance, its subnet, its subnet's VPC). A suspended
 * winner still wins (`SUSPENDED_COLLECTOR_HOLDS_ITS_PLACE`). When two collectors share a target, the first in input
 * order is the one on the chain and a `duplicate-target` conflict names all of them; a collector whose target is not
 * in the topology is an `unknown-target` conflict and wins nothing.
 */
export function resolve(topology: Topology, collectors: CollectorSpec[], options: ResolveOptions = {}): Resolution {
  const holdsPlace = options.suspendedCollectorHoldsItsPlace ?? SUSPENDED_COLLECTOR_HOLDS_ITS_PLACE;
  const m = collectors.length;

  // Target id → the first collector on it (input order); later ones on the same target are duplicates.
  const byTarget = new IdIndex(m);
  const firstOnTarget = new Int32Array(m);
  let duplicates: Map<number, number[]> | undefined;
  const active = new Uint8Array(m);
  for (let c = 0; c < m; c++) {
    const spec = collectors[c];
    active[c] = spec.active ? 1 : 0;
    const first = byTarget.add(spec.targetId, c);
    firstOnTarget[c] = first < 0 ? c : first;
    if (first >= 0) {
      duplicates ??= new Map();
      const group = duplicates.get(first);
      if (group) group.push(c);
      else duplicates.set(first, [first, c]);
    }
  }
  // The level each target was found at, recorded on the first collector of the target.
  const found = new Int8Array(m).fill(NONE);

  for (const vpc of topology.vpcs) {
    const c = byTarget.get(vpc.id);
    if (c >= 0) found[c] = L_VPC;
  }
  const subnets = topology.subnets;
  const subnetIndex = new IdIndex(subnets.length);
  const subnetCollector = new Int32Array(subnets.length);
  const subnetVpcCollector = new Int32Array(subnets.length);
  for (let s = 0; s < subnets.length; s++) {
    const subnet = subnets[s];
    subnetIndex.add(subnet.id, s);
    const cs = byTarget.get(subnet.id);
    if (cs >= 0) found[cs] = L_SUBNET;
    subnetCollector[s] = cs;
    const cv = byTarget.get(subnet.vpcId);
    if (cv >= 0) found[cv] = L_VPC;
    subnetVpcCollector[s] = cv;
  }
  let vniByAttachment: Map<string, string> | undefined;
  let instanceVpc: Map<string, string> | undefined;

  const ifs = topology.interfaces;
  const n = ifs.length;
  const chain = new Int32Array(n * LEVELS);
  const winner = new Int32Array(n);
  const winLevel = new Uint8Array(n);
  const subnetOf = new Int32Array(n);
  const counts = new Int32Array(m + 2);
  let lastInstanceId: string | undefined;
  let lastInstanceCollector = NONE;

  // The hot loop: a few index lookups per interface, no allocation.
  for (let i = 0, base = 0; i < n; i++, base += LEVELS) {
    const it = ifs[i];
    const ci = byTarget.get(it.id);
    let vniId = it.vniId;
    if (vniId === undefined && it.kind === 'instance_network_attachment') {
      // An attachment whose VNI is only known from the VNI list.
      vniByAttachment ??= new Map(
        (topology.virtualNetworkInterfaces ?? []).filter((v) => v.attachmentId !== undefined).map((v) => [v.attachmentId as string, v.id]),
      );
      vniId = vniByAttachment.get(it.id);
    }
    const cn = vniId === undefined ? NONE : byTarget.get(vniId);
    // An instance's interfaces usually come one after the other: look its id up once.
    const instanceId = it.instanceId;
    if (instanceId !== lastInstanceId) {
      lastInstanceId = instanceId;
      lastInstanceCollector = byTarget.get(instanceId);
    }
    const ch = lastInstanceCollector;
    const s = subnetIndex.get(it.subnetId);
    subnetOf[i] = s;
    let cs = NONE;
    let cv = NONE;
    if (s >= 0) {
      cs = subnetCollector[s];
      cv = subnetVpcCollector[s];
    } else {
      // An interface on a subnet the topology does not list: its VPC is its instance's.
      instanceVpc ??= new Map(topology.instances.map((h) => [h.id, h.vpcId]));
      const vpcId = instanceVpc.get(it.instanceId);
      cv = vpcId === undefined ? NONE : byTarget.get(vpcId);
      if (cv >= 0) found[cv] = L_VPC;
    }
    chain[base] = ci;
    chain[base + 1] = cn;
    chain[base + 2] = ch;
    chain[base + 3] = cs;
    chain[base + 4] = cv;
    if (ci >= 0) found[ci] = L_INTERFACE;
    if (cn >= 0) found[cn] = L_VNI;
    if (ch >= 0) found[ch] = L_INSTANCE;

    let w = NONE;
    let level = 255;
    for (let l = 0; l < LEVELS; l++) {
      const c = chain[base + l];
      if (c >= 0 && (holdsPlace || active[c] === 1)) {
        w = c;
        level = l;
        break;
      }
    }
    winner[i] = w;
    winLevel[i] = level;
    counts[w + 2]++;
  }

  // Targets not met on any interface's chain: instances without interfaces, VNIs that are not attached.
  let unmet: Map<string, number> | undefined;
  for (let c = 0; c < m; c++) if (firstOnTarget[c] === c && found[c] === NONE) (unmet ??= new Map()).set(collectors[c].targetId, c);
  if (unmet !== undefined) {
    for (const h of topology.instances) {
      const c = unmet.get(h.id);
      if (c !== undefined) found[c] = L_INSTANCE;
    }
    for (const v of topology.virtualNetworkInterfaces ?? []) {
      const c = unmet.get(v.id);
      if (c !== undefined) found[c] = L_VNI;
    }
  }

  const collectorLevel = new Int8Array(m);
  const conflicts: Conflict[] = [];
  if (duplicates !== undefined) {
    // In the order of each target's first collector.
    for (const ids of [...duplicates.values()].sort((a, b) => a[0] - b[0])) {
      conflicts.push({ kind: 'duplicate-target', targetId: collectors[ids[0]].targetId, collectorIds: ids.map((c) => collectors[c].id) });
    }
  }
  for (let c = 0; c < m; c++) {
    const level = found[firstOnTarget[c]];
    collectorLevel[c] = level;
    if (level === NONE) conflicts.push({ kind: 'unknown-target', collectorId: collectors[c].id, targetId: collectors[c].targetId });
  }

  // Counting sort of the interfaces by winner: group g = collector g, group m = the uncovered.
  const start = new Int32Array(m + 2);
  start[0] = 0;
  for (let c = 0; c < m; c++) start[c + 1] = start[c] + counts[c + 2];
  start[m + 1] = n;
  const fill = start.slice(0, m + 1);
  const members = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const w = winner[i];
    members[fill[w < 0 ? m : w]++] = i;
  }

  const compact: Compact = {
    topology,
    collectors,
    chain,
    winner,
    winLevel,
    subnetOf,
    subnetCollector,
    subnetVpcCollector,
    subnetTails: new Array(subnets.length),
    vpcTails: new Array(subnets.length),
    collectorLevel,
    start,
    members,
    winnerObjects: new Array(m),
    outcomeObjects: new Array(m),
  };
  return lazyResolution(compact, conflicts);
}

/** The Resolution object: its large parts are built from the compact form on first read, then kept. */
function lazyResolution(cp: Compact, conflicts: Conflict[]): Resolution {
  const res = {} as Resolved;
  const lazy = <K extends keyof Resolution>(key: K, build: () => Resolution[K]) => {
    Object.defineProperty(res, key, {
      enumerable: true,
      configurable: true,
      get() {
        const value = build();
        Object.defineProperty(res, key, { value, enumerable: true, writable: true, configurable: true });
        return value;
      },
      set(value: Resolution[K]) {
        Object.defineProperty(res, key, { value, enumerable: true, writable: true, configurable: true });
      },
    });
  };
  lazy('interfaces', () => buildInterfaces(cp));
  lazy('receivedBy', () => buildReceivedBy(cp));
  lazy('uncovered', () => buildUncovered(cp));
  res.conflicts = conflicts;
  Object.defineProperty(res, COMPACT, { value: cp, enumerable: false });
  return res;
}

function winnerObject(cp: Compact, c: number): NonNullable<InterfaceResult['winner']> {
  let w = cp.winnerObjects[c];
  if (w === undefined) {
    const spec = cp.collectors[c];
    w = Object.freeze({ collectorId: spec.id, bucket: spec.bucket, level: PRECEDENCE[cp.collectorLevel[c]], active: spec.active });
    cp.winnerObjects[c] = w;
  }
  return w;
}

function outcomeObject(cp: Compact, c: number): NonNullable<InterfaceChange['before']> {
  let o = cp.outcomeObjects[c];
  if (o === undefined) {
    const spec = cp.collectors[c];
    o = Object.freeze({ collectorId: spec.id, bucket: spec.bucket, active: spec.active });
    cp.outcomeObjects[c] = o;
  }
  return o;
}

function buildInterfaces(cp: Compact): InterfaceResult[] {
  const { chain, winner, winLevel, collectors } = cp;
  const ifs = cp.topology.interfaces;
  const n = ifs.length;
  const out = new Array<InterfaceResult>(n);
  for (let i = 0; i < n; i++) {
    const w = winner[i];
    if (w < 0) {
      out[i] = { interfaceId: ifs[i].id, shadowed: EMPTY };
      continue;
    }
    const shadowed = shadowedOf(cp, i);
    const level = winLevel[i];
    const won =
      level === cp.collectorLevel[w]
        ? winnerObject(cp, w)
        : { collectorId: collectors[w].id, bucket: collectors[w].bucket, level: PRECEDENCE[level], active: collectors[w].active };
    out[i] = { interfaceId: ifs[i].id, winner: won, shadowed };
  }
  return out;
}

/** Frozen ids of the collectors at levels ≥ `from` of a subnet's tail (subnet, VPC), shared by its interfaces. */
function subnetTail(cp: Compact, s: number, from: number): string[] {
  const cache = from === L_SUBNET ? cp.subnetTails : cp.vpcTails;
  let tail = cache[s];
  if (tail === undefined) {
    const ids: string[] = [];
    if (from === L_SUBNET && cp.subnetCollector[s] >= 0) ids.push(cp.collectors[cp.subnetCollector[s]].id);
    if (cp.subnetVpcCollector[s] >= 0) ids.push(cp.collectors[cp.subnetVpcCollector[s]].id);
    tail = ids.length === 0 ? EMPTY : (Object.freeze(ids) as string[]);
    cache[s] = tail;
  }
  return tail;
}

/** The collectors below an interface's winner on its chain, most specific first. */
function shadowedOf(cp: Compact, i: number): string[] {
  const level = cp.winLevel[i];
  if (level >= L_VPC) return EMPTY;
  const base = i * LEVELS;
  const s = cp.subnetOf[i];
  let head: string[] | undefined;
  const headEnd = s >= 0 ? L_SUBNET : LEVELS;
  for (let l = level + 1; l < headEnd; l++) {
    const c = cp.chain[base + l];
    if (c >= 0) (head ??= []).push(cp.collectors[c].id);
  }
  if (s < 0) return head ?? EMPTY;
  const tail = subnetTail(cp, s, level < L_SUBNET ? L_SUBNET : L_VPC);
  if (head === undefined) return tail;
  for (const id of tail) head.push(id);
  return head;
}

/** For every collector, the ids of the interfaces it wins, sorted; and at index m the uncovered. */
function gatherIds(cp: Compact): string[][] {
  const m = cp.collectors.length;
  const ifs = cp.topology.interfaces;
  const lists = new Array<string[]>(m + 1);
  // Sized up front: about twice as fast as growing 100,000 arrays by push.
  for (let g = 0; g <= m; g++) lists[g] = new Array<string>(cp.start[g + 1] - cp.start[g]);
  const fill = new Int32Array(m + 1);
  // In topology order, so that the interfaces are read one after the other.
  const winner = cp.winner;
  for (let i = 0; i < ifs.length; i++) {
    const w = winner[i];
    const g = w < 0 ? m : w;
    lists[g][fill[g]++] = ifs[i].id;
  }
  for (const list of lists) sortIds(list);
  return lists;
}

function buildReceivedBy(cp: Compact): Record<string, string[]> {
  const lists = gatherIds(cp);
  const out: Record<string, string[]> = {};
  const m = cp.collectors.length;
  for (let c = 0; c < m; c++) {
    const id = cp.collectors[c].id;
    const ids = lists[c];
    if (Object.prototype.hasOwnProperty.call(out, id)) {
      // The same collector id listed twice: one entry with both sets of interfaces.
      out[id] = sortIds(out[id].concat(ids));
    } else if (id === '__proto__') {
      Object.defineProperty(out, id, { value: ids, enumerable: true, writable: true, configurable: true });
    } else {
      out[id] = ids;
    }
  }
  return out;
}

function buildUncovered(cp: Compact): string[] {
  const ifs = cp.topology.interfaces;
  const from = cp.start[cp.collectors.length];
  const to = cp.start[cp.collectors.length + 1];
  const ids = new Array<string>();
  for (let k = from; k < to; k++) ids.push(ifs[cp.members[k]].id);
  return sortIds(ids);
}

// ---------------------------------------------------------------------------------------------------------------
// Differences between two collector sets

type Outcome = InterfaceChange['before'];

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

function sameInterfaces(a: Topology['interfaces'], b: Topology['interfaces']): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].id !== b[i].id) return false;
  return true;
}

/**
 * Interface by interface, what changes between two resolutions (of the same topology, or of two topologies: an
 * interface only in one has no winner in the other). Only interfaces whose outcome (winning collector, its bucket,
 * whether it is active) differs, sorted by interfaceId. Kinds: `moved` (delivered before and after, to different
 * buckets), `stopped` (delivered before, not after: the winner is suspended or there is none), `started` (the
 * reverse), `rewon` (another outcome with the same delivery: the same bucket through another collector, or no
 * delivery before and after, e.g. a suspended winner giving way to none).
 */
export function diffResolutions(before: Resolution, after: Resolution): InterfaceChange[] {
  const a = (before as Resolved)[COMPACT];
  const b = (after as Resolved)[COMPACT];
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
// Planned collectors over live ones

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

// ---------------------------------------------------------------------------------------------------------------
// Coverage of one collector

/**
 * The interfaces a collector wins (it receives their flow logs while it is active), as the FlowLogCollector
 * `coverage` output: `{interfaceId, interfaceName, instanceId, subnetId}`, sorted by interfaceId. Empty for a
 * collector that wins nothing or is not in the resolution.
 */
export function coverageOf(resolution: Resolution, collectorId: string, topology: Topology): CoverageEntry[] {
  const entry = (it: Topology['interfaces'][number]): CoverageEntry => ({
    interfaceId: it.id,
    interfaceName: it.name ?? '',
    instanceId: it.instanceId,
    subnetId: it.subnetId,
  });
  const cp = (resolution as Resolved)[COMPACT];
  const out: CoverageEntry[] = [];
  if (cp !== undefined && sameInterfaces(cp.topology.interfaces, topology.interfaces)) {
    const ifs = topology.interfaces;
    if (cp.byId === undefined) {
      cp.byId = new Map();
      cp.collectors.forEach((spec, c) => {
        const list = cp.byId!.get(spec.id);
        if (list) list.push(c);
        else cp.byId!.set(spec.id, [c]);
      });
    }
    for (const c of cp.byId.get(collectorId) ?? []) {
      for (let k = cp.start[c]; k < cp.start[c + 1]; k++) out.push(entry(ifs[cp.members[k]]));
    }
  } else {
    const wanted = new Set(resolution.receivedBy[collectorId] ?? []);
    if (wanted.size > 0) for (const it of topology.interfaces) if (wanted.has(it.id)) out.push(entry(it));
  }
  return sortById(out, interfaceIdOf);
}

// ---------------------------------------------------------------------------------------------------------------
// Human lines

/** "a", "a and b", "a, b and c". */
function listOf(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const KIND_ORDER: Record<InterfaceChange['kind'], number> = { stopped: 0, moved: 1, started: 2, rewon: 3 };

/**
 * One human line per group of changes with the same before and after outcome, naming the narrowest scope the group
 * shares (the interface itself, its instance, subnet or VPC), e.g.
 * `4 interfaces of subnet-2 move from bucket-e to bucket-c: collector "subnet-2-logs" now wins over "vpc-umbrella"`.
 *
 * `collectors` is the collector set the changes lead to (e.g. `overlay(live, planned)`): it names the collectors and
 * tells on which level each one's target is, and when a suspended collector stops an interface's logs, it tells
 * which active collector further down the chain would otherwise receive them (the line then says the suspended one
 * "still holds its place over" it: the `SUSPENDED_COLLECTOR_HOLDS_ITS_PLACE` rule). `before`, optional, is the set
 * before, only used to name collectors that are gone. Lines come stops first, then moves, starts and the rest;
 * larger groups first.
 */
export function summarizeChanges(changes: InterfaceChange[], topology: Topology, collectors: CollectorSpec[], before: CollectorSpec[] = []): string[] {
  if (changes.length === 0) return [];
  const wanted = new Set(changes.map((c) => c.interfaceId));
  const ifaceById = new Map<string, Topology['interfaces'][number]>();
  for (const it of topology.interfaces) if (wanted.has(it.id)) ifaceById.set(it.id, it);
  const subnetById = new Map(topology.subnets.map((s) => [s.id, s]));
  const vpcName = new Map(topology.vpcs.map((v) => [v.id, v.name ?? v.id]));
  const instanceIds = new Set<string>();
  for (const it of ifaceById.values()) instanceIds.add(it.instanceId);
  const instanceById = new Map<string, Topology['instances'][number]>();
  for (const h of topology.instances) if (instanceIds.has(h.id)) instanceById.set(h.id, h);
  let vniByAttachment: Map<string, string> | undefined;
  for (const v of topology.virtualNetworkInterfaces ?? []) if (v.attachmentId !== undefined) (vniByAttachment ??= new Map()).set(v.attachmentId, v.id);

  const specById = new Map<string, CollectorSpec>();
  const specByTarget = new Map<string, CollectorSpec>();
  for (const c of collectors) {
    if (!specById.has(c.id)) specById.set(c.id, c);
    if (!specByTarget.has(c.targetId)) specByTarget.set(c.targetId, c);
  }
  for (const c of before) if (!specById.has(c.id)) specById.set(c.id, c);
  const nameOf = (collectorId: string) => specById.get(collectorId)?.name ?? collectorId;

  /** The ids on an interface's chain, most specific first (undefined where it has none). */
  const chainOf = (interfaceId: string): Array<string | undefined> => {
    const it = ifaceById.get(interfaceId);
    if (it === undefined) return [interfaceId, undefined, undefined, undefined, undefined];
    const vni = it.vniId ?? vniByAttachment?.get(it.id);
    const vpcId = subnetById.get(it.subnetId)?.vpcId ?? instanceById.get(it.instanceId)?.vpcId;
    return [it.id, vni, it.instanceId, it.subnetId, vpcId];
  };
  /** The level of a collector on an interface's chain (5 when it is not on it). */
  const levelOn = (chain: Array<string | undefined>, collectorId: string): number => {
    const target = specById.get(collectorId)?.targetId;
    const l = target === undefined ? -1 : chain.indexOf(target);
    return l < 0 ? LEVELS : l;
  };

  interface Group {
    kind: InterfaceChange['kind'];
    before: Outcome;
    after: Outcome;
    ids: string[];
    first: number;
  }
  const groups = new Map<string, Group>();
  const keyOf = (o: Outcome) => (o === undefined ? '-' : `${o.collectorId}\u0000${o.bucket}\u0000${o.active}`);
  changes.forEach((ch, k) => {
    const key = `${ch.kind}\u0001${keyOf(ch.before)}\u0001${keyOf(ch.after)}`;
    const g = groups.get(key);
    if (g) g.ids.push(ch.interfaceId);
    else groups.set(key, { kind: ch.kind, before: ch.before, after: ch.after, ids: [ch.interfaceId], first: k });
  });

  const subject = (ids: string[]): string => {
    if (ids.length === 1) {
      const it = ifaceById.get(ids[0]);
      if (it === undefined) return `interface ${ids[0]}`;
      const instance = instanceById.get(it.instanceId);
      return `interface ${it.name ?? it.id} of ${instance?.name ?? it.instanceId}`;
    }
    const instances = new Set<string>();
    const subnets = new Set<string>();
    const vpcs = new Set<string>();
    for (const id of ids) {
      const chain = chainOf(id);
      instances.add(chain[L_INSTANCE] ?? '?');
      subnets.add(chain[L_SUBNET] ?? '?');
      vpcs.add(chain[L_VPC] ?? '?');
    }
    const n = `${ids.length} interfaces`;
    if (instances.size === 1 && !instances.has('?')) {
      const id = [...instances][0];
      return `${n} of ${instanceById.get(id)?.name ?? id}`;
    }
    if (subnets.size === 1 && !subnets.has('?')) {
      const id = [...subnets][0];
      return `${n} of ${subnetById.get(id)?.name ?? id}`;
    }
    if (vpcs.size === 1 && !vpcs.has('?')) {
      const id = [...vpcs][0];
      return `${n} of ${vpcName.get(id) ?? id}`;
    }
    return `${n} across ${vpcs.size} VPCs`;
  };

  const lines: Array<{ group: Group; line: string }> = [];
  for (const g of groups.values()) {
    const one = g.ids.length === 1;
    const verb = (plural: string, singular: string) => (one ? singular : plural);
    const them = one ? 'it' : 'them';
    const chain = chainOf(g.ids[0]);
    const B = g.before;
    const A = g.after;
    const q = (o: NonNullable<Outcome>) => `"${nameOf(o.collectorId)}"`;
    /** How the after collector relates to the before one. */
    const relation = (a: NonNullable<Outcome>, b: NonNullable<Outcome>, qualifier = '') =>
      levelOn(chain, a.collectorId) < levelOn(chain, b.collectorId)
        ? `collector ${q(a)} now wins over ${qualifier}${q(b)}`
        : `collector ${q(a)} takes over from ${qualifier}${q(b)}`;
    const who = subject(g.ids);
    let line: string;
    if (g.kind === 'moved' && A && B) {
      const why = A.collectorId === B.collectorId ? `collector ${q(A)} now writes to ${A.bucket}` : relation(A, B);
      line = `${who} ${verb('move', 'moves')} from ${B.bucket} to ${A.bucket}: ${why}`;
    } else if (g.kind === 'stopped') {
      if (A === undefined) {
        line = `${who} ${verb('are', 'is')} no longer covered by any collector`;
      } else {
        // The stop is due to the suspended-collector rule when an active collector further down an interface's
        // chain would otherwise receive its logs: name those collectors.
        const fallbacks: string[] = [];
        for (const id of g.ids) {
          const ids = chainOf(id);
          for (let l = levelOn(ids, A.collectorId) + 1; l < LEVELS; l++) {
            const target = ids[l];
            const spec = target === undefined ? undefined : specByTarget.get(target);
            if (spec !== undefined && spec.active && spec.id !== A.collectorId) {
              if (!fallbacks.includes(spec.name)) fallbacks.push(spec.name);
              break;
            }
          }
        }
        const tookOver = B !== undefined && A.collectorId !== B.collectorId && levelOn(chain, A.collectorId) >= levelOn(chain, B.collectorId);
        const base = tookOver ? `${relation(A, B!)} and is suspended` : `collector ${q(A)} is suspended`;
        const why = fallbacks.length === 0 ? base : `${base} and still holds its place over ${listOf(fallbacks.map((f) => `"${f}"`))}`;
        line = `${who} ${verb('stop', 'stops')} receiving flow logs: ${why}`;
      }
    } else if (g.kind === 'started' && A) {
      let why: string;
      if (B === undefined) why = `collector ${q(A)} now covers ${them}`;
      else if (A.collectorId === B.collectorId) why = `collector ${q(A)} is resumed`;
      else why = relation(A, B, 'suspended ');
      line = `${who} ${verb('start', 'starts')} receiving flow logs in ${A.bucket}: ${why}`;
    } else if (A && B && A.active && B.active) {
      line = `${who} ${verb('keep', 'keeps')} going to ${A.bucket}: ${relation(A, B)}`;
    } else if (A === undefined) {
      line = `${who} ${verb('are', 'is')} no longer covered by any collector`;
    } else if (B === undefined) {
      line = `${who} still ${verb('receive', 'receives')} no flow logs: collector ${q(A)} now covers ${them} but is suspended`;
    } else if (A.collectorId === B.collectorId) {
      line = `${who} still ${verb('receive', 'receives')} no flow logs: suspended collector ${q(A)} now points at ${A.bucket}`;
    } else {
      line = `${who} still ${verb('receive', 'receives')} no flow logs: suspended ${relation(A, B, 'suspended ')}`;
    }
    lines.push({ group: g, line });
  }
  lines.sort(
    (x, y) =>
      KIND_ORDER[x.group.kind] - KIND_ORDER[y.group.kind] || y.group.ids.length - x.group.ids.length || x.group.first - y.group.first,
  );
  return lines.map((l) => l.line);
}
