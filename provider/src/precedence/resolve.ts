/**
 * The fast resolver (README.md, "What the provider does"): which collector receives each interface's flow logs, for a
 * million interfaces.
 *
 * How it stays fast: `resolve` builds one index from target id to collector (`IdIndex`, a hash table on typed
 * arrays), walks the interfaces once, and writes its answer into typed arrays (the compact form, compact.ts). The
 * object form the types describe (`interfaces`, `receivedBy`, `uncovered`) is built from the compact form on first
 * read and then cached; the diff and `coverageOf` work on the compact form directly. Pieces of the object form that are
 * the same for many interfaces (a winner, an empty `shadowed`) are shared and frozen: treat a Resolution as
 * read-only. The same rule, written for reading rather than speed, is chain.ts; the tests hold the two together.
 */
import { type Compact, COMPACT, compactOf, EMPTY, L_INSTANCE, L_INTERFACE, L_SUBNET, L_VNI, L_VPC, LEVELS, NONE, type Resolved, sameInterfaces } from './compact';
import { IdIndex } from './idIndex';
import { PRECEDENCE, SUSPENDED_COLLECTOR_HOLDS_ITS_PLACE } from './rules';
import { sortById, sortIds } from './sortIds';
import type { CollectorSpec, Conflict, CoverageEntry, InterfaceResult, Resolution, ResolveOptions, Topology } from './types';

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

function buildInterfaces(cp: Compact): InterfaceResult[] {
  const { winner, winLevel, collectors } = cp;
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
  const cp = compactOf(resolution);
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

const interfaceIdOf = (x: { interfaceId: string }) => x.interfaceId;
