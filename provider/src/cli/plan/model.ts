/**
 * The plan's model: for every VPC the plan touches, every interface's flow logs before and after the planned
 * collectors are laid over the live ones (README.md, "What the provider does", through the precedence simulator), what
 * changes, what stays uncovered, and what conflicts. Pure: live data and planned changes in, plain data out; the
 * renderers print it.
 *
 * Objects are built with their keys in a fixed order and lists are sorted, so `--format json` is stable.
 */
import type { Collector, TargetType, VpcTopology } from '../../ibm/types';
import { PRECEDENCE, SUSPENDED_COLLECTOR_HOLDS_ITS_PLACE, diffResolutions, overlay, resolve, summarizeChanges } from '../../precedence';
import { specOf, topologyOf } from '../../model/liveState';
import { TARGET_WORDS } from '../../model/collectorRules';
import type { CollectorSpec, InterfaceChange, Level, Resolution } from '../../precedence/types';
import type { PlanInput, PlannedCollector, Unresolved } from './inputs';

/**
 * The reading of a suspended collector (README.md, "What the provider does"), said by every report that depends on it.
 */
export const SUSPENDED_RULE = SUSPENDED_COLLECTOR_HOLDS_ITS_PLACE
  ? 'A suspended collector (active: false) keeps its place in the precedence order, so the interfaces it wins get no flow logs while it is suspended (our reading of the service).'
  : 'A suspended collector (active: false) gives way to the next collector in the precedence order while it is suspended (our reading of the service).';

const LEVEL_WORDS: Record<Level, string> = {
  interface: 'network attachment or network interface',
  virtual_network_interface: 'virtual network interface',
  instance: 'instance',
  subnet: 'subnet',
  vpc: 'VPC',
};

/** The precedence order in words, most specific first, from the simulator's own constant. */
export const PRECEDENCE_ORDER = PRECEDENCE.map((l) => LEVEL_WORDS[l]).join(' › ');

export interface Named {
  id: string;
  name: string;
}

/** A collector as a report names it. `planned` is true for one that the plan creates or changes. */
export interface CollectorRef {
  id: string;
  name: string;
  bucket: string;
  active: boolean;
  planned: boolean;
}

export interface InterfaceRow {
  interface: Named;
  instance: Named;
  subnet: Named;
}

export type ChangeKind = InterfaceChange['kind'];

export interface ChangeRow extends InterfaceRow {
  kind: ChangeKind;
  before: CollectorRef | null;
  after: CollectorRef | null;
}

/** One interface after the plan, for the diagram and the JSON. */
export interface InterfaceAfter extends InterfaceRow {
  /** The winning collector's bucket, whether or not it is active; null when nothing covers the interface. */
  bucket: string | null;
  /** True when logs are written: a winner that is active. */
  logged: boolean;
  collector: string | null;
  /** The bucket before the plan (null when uncovered before), for a changed interface. */
  change: { kind: ChangeKind; beforeBucket: string | null; beforeLogged: boolean } | null;
}

export interface TargetRef {
  id: string;
  type: TargetType | 'unknown';
  name: string;
}

/** A collector the plan creates or changes, with what it will receive. */
export interface PlannedRow {
  op: string;
  name: string;
  /** The simulator's key: the live collector's id for an update, else its Pulumi URN (or `list:<name>`). */
  key: string;
  target: TargetRef;
  bucket: string;
  active: boolean;
  /** How many interfaces it wins after the plan (it writes their logs when active). */
  wins: number;
}

/** A live collector the plan deletes (or replaces). */
export interface RemovedRow {
  op: string;
  id: string;
  name: string;
  target: TargetRef;
  bucket: string;
  /** How many interfaces it won before the plan. */
  won: number;
}

export interface ConflictRow {
  kind: 'duplicate-target' | 'unknown-target';
  target: TargetRef;
  collectors: string[];
  message: string;
}

export interface Counts {
  interfaces: number;
  moved: number;
  stopped: number;
  started: number;
  rewon: number;
  uncovered: number;
  conflicts: number;
}

export interface VpcPlan {
  vpc: Named;
  counts: Counts;
  /** One line per group of interfaces that move, stop or start, from the simulator's summary. */
  summary: string[];
  planned: PlannedRow[];
  removed: RemovedRow[];
  changes: ChangeRow[];
  uncovered: InterfaceRow[];
  conflicts: ConflictRow[];
  /** Whether a suspended collector wins any interface, before or after: the reports then state SUSPENDED_RULE. */
  dependsOnSuspendedRule: boolean;
  interfaces: InterfaceAfter[];
}

export interface PlanModel {
  source: 'preview' | 'collectors';
  totals: Counts & { vpcs: number; unresolved: number };
  vpcs: VpcPlan[];
  /** Conflicts outside any VPC: planned collectors whose target exists nowhere in the region. */
  conflicts: ConflictRow[];
  /** Planned collectors whose effect the plan cannot compute (values not known until apply, or secret). */
  unresolved: Unresolved[];
  notes: string[];
  suspendedRule: string;
}

/** What the plan reads from IBM Cloud (or the emulator). */
export interface LiveData {
  /** Every VPC of the region (targets are looked up across all of them). */
  topologies: VpcTopology[];
  /** Every collector of the region. */
  collectors: Collector[];
}

export interface ModelOptions {
  /** Only this VPC's id (already resolved from --vpc). */
  vpcId?: string;
}

// ---------------------------------------------------------------------------------------------------------------

interface IndexedTarget {
  type: TargetType;
  id: string;
  name: string;
  vpcId: string;
}

/** Every possible target of the region by id and by CRN. Names of interfaces carry their instance: `instance-2/eth1`. */
function targetIndex(topologies: VpcTopology[]): Map<string, IndexedTarget> {
  const index = new Map<string, IndexedTarget>();
  const add = (t: IndexedTarget, crn?: string) => {
    index.set(t.id, t);
    if (crn) index.set(crn, t);
  };
  for (const t of topologies) {
    const vpcId = t.vpc.id;
    add({ type: 'vpc', id: vpcId, name: t.vpc.name, vpcId }, t.vpc.crn);
    for (const s of t.subnets) add({ type: 'subnet', id: s.id, name: s.name, vpcId }, s.crn);
    const instanceName = new Map(t.instances.map((i) => [i.id, i.name]));
    for (const i of t.instances) add({ type: 'instance', id: i.id, name: i.name, vpcId }, i.crn);
    for (const n of t.interfaces) add({ type: n.kind, id: n.id, name: `${instanceName.get(n.instanceId) ?? n.instanceId}/${n.name}`, vpcId });
    for (const v of t.virtualNetworkInterfaces) add({ type: 'virtual_network_interface', id: v.id, name: v.name, vpcId }, v.crn);
  }
  return index;
}

function specOfPlanned(p: PlannedCollector): CollectorSpec {
  return { id: p.key, name: p.name, targetId: p.targetId, bucket: p.bucket, active: p.active };
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function compareRows(a: InterfaceRow, b: InterfaceRow): number {
  return byText(a.subnet.name, b.subnet.name) || byText(a.instance.name, b.instance.name) || byText(a.interface.name, b.interface.name) || byText(a.interface.id, b.interface.id);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Collectors that are going away: they no longer hold their place. */
const GONE_STATES = new Set(['deleting']);

/**
 * Builds the plan's model. `live` holds every VPC and collector of the region; `input` the planned changes.
 * Throws nothing for plan content: unknown targets and duplicates are conflicts in the model.
 */
export function buildPlanModel(input: PlanInput, live: LiveData, options: ModelOptions = {}): PlanModel {
  const index = targetIndex(live.topologies);
  const liveById = new Map(live.collectors.filter((c) => !GONE_STATES.has(c.lifecycleState)).map((c) => [c.id, c]));
  const notes: string[] = [];
  const globalConflicts: ConflictRow[] = [];

  const targetRef = (id: string, given = id): TargetRef => {
    const t = index.get(id) ?? index.get(given);
    return t ? { id: t.id, type: t.type, name: t.name } : { id, type: 'unknown', name: id };
  };

  // Upserts and removals by VPC.
  const upserts = new Map<string, PlannedCollector[]>();
  const removals = new Map<string, Array<{ id: string; op: string }>>();
  const push = <T>(m: Map<string, T[]>, k: string, v: T) => (m.get(k) ?? m.set(k, []).get(k)!).push(v);

  for (const removal of input.removals) {
    const c = liveById.get(removal.id);
    if (!c) {
      notes.push(`${removal.op} of collector ${removal.name ? `"${removal.name}" ` : ''}${removal.id}${removal.urn ? ` (${removal.urn})` : ''}: no such live collector; it is already gone`);
      continue;
    }
    push(removals, c.vpc.id, { id: c.id, op: removal.op });
  }

  for (const planned of input.upserts) {
    const target = index.get(planned.targetId) ?? index.get(planned.target);
    if (!target) {
      const ref: TargetRef = { id: planned.targetId, type: 'unknown', name: planned.target };
      globalConflicts.push({
        kind: 'unknown-target',
        target: ref,
        collectors: [planned.name],
        message: `collector "${planned.name}" targets ${planned.target}, which is not a VPC, subnet, instance, network interface, virtual network interface or network attachment of any VPC in this region`,
      });
      continue;
    }
    let p: PlannedCollector = { ...planned, targetId: target.id };
    if (input.matchLiveByName) {
      // A listed collector named like a live one in its VPC is that collector: unchanged, updated or replaced.
      const same = [...liveById.values()].find((c) => c.vpc.id === target.vpcId && c.name === p.name);
      if (same) {
        if (same.target.id === p.targetId && same.storageBucket === p.bucket) {
          p = { ...p, key: same.id, op: same.active === p.active ? 'same' : 'update', replacesId: same.id };
        } else {
          p = { ...p, op: 'replace' };
          push(removals, target.vpcId, { id: same.id, op: 'replace' });
        }
      } else {
        p = { ...p, op: 'create' };
      }
    }
    push(upserts, target.vpcId, p);
  }

  // The VPCs to report: --vpc, else those the plan touches, else (nothing planned) every VPC.
  let vpcIds: string[];
  if (options.vpcId !== undefined) {
    vpcIds = [options.vpcId];
    const outside = [...new Set([...upserts.keys(), ...removals.keys()])].filter((id) => id !== options.vpcId);
    for (const id of outside.sort()) {
      const n = (upserts.get(id)?.length ?? 0) + (removals.get(id)?.length ?? 0);
      notes.push(`${plural(n, 'planned change')} in VPC ${live.topologies.find((t) => t.vpc.id === id)?.vpc.name ?? id} not shown (--vpc)`);
    }
  } else {
    const touched = new Set([...upserts.keys(), ...removals.keys()]);
    vpcIds = live.topologies.map((t) => t.vpc.id).filter((id) => touched.size === 0 || touched.has(id));
  }
  const topologies = vpcIds.map((id) => live.topologies.find((t) => t.vpc.id === id)).filter((t): t is VpcTopology => t !== undefined);
  topologies.sort((a, b) => byText(a.vpc.name, b.vpc.name) || byText(a.vpc.id, b.vpc.id));

  const vpcs = topologies.map((t) =>
    vpcPlan(t, [...liveById.values()].filter((c) => c.vpc.id === t.vpc.id), upserts.get(t.vpc.id) ?? [], removals.get(t.vpc.id) ?? [], targetRef),
  );

  globalConflicts.sort((a, b) => byText(a.collectors[0], b.collectors[0]));
  const sum = (k: keyof Counts) => vpcs.reduce((n, v) => n + v.counts[k], 0);
  const totals = {
    vpcs: vpcs.length,
    interfaces: sum('interfaces'),
    moved: sum('moved'),
    stopped: sum('stopped'),
    started: sum('started'),
    rewon: sum('rewon'),
    uncovered: sum('uncovered'),
    conflicts: sum('conflicts') + globalConflicts.length,
    unresolved: input.unresolved.length,
  };
  const unresolved = [...input.unresolved].sort((a, b) => byText(a.name, b.name) || byText(a.key, b.key));
  return { source: input.source, totals, vpcs, conflicts: globalConflicts, unresolved, notes, suspendedRule: SUSPENDED_RULE };
}

function vpcPlan(
  t: VpcTopology,
  liveCollectors: Collector[],
  planned: PlannedCollector[],
  removed: Array<{ id: string; op: string }>,
  targetRef: (id: string) => TargetRef,
): VpcPlan {
  const topology = topologyOf(t);
  const liveSpecs = liveCollectors.map(specOf);
  const plannedSpecs = planned.filter((p) => p.op !== 'same').map(specOfPlanned);
  const removeIds = removed.map((r) => r.id);
  const afterSpecs = overlay(liveSpecs, { upsert: plannedSpecs, remove: removeIds });
  const before = resolve(topology, liveSpecs);
  const after = resolve(topology, afterSpecs);
  const changes = diffResolutions(before, after);

  // One collector per target: a new planned collector on a target whose live collector stays is refused by IBM
  // Cloud. (overlay lays it over the live one, as a preview of that resource alone would; the plan says so.)
  const removedIds = new Set(removeIds);
  const sharing = new Map<string, string[]>();
  const share = (targetId: string, ids: string[]) => {
    const list = sharing.get(targetId) ?? sharing.set(targetId, []).get(targetId)!;
    for (const id of ids) if (!list.includes(id)) list.push(id);
  };
  for (const p of plannedSpecs) {
    const taken = liveSpecs.find((l) => l.targetId === p.targetId && l.id !== p.id && !removedIds.has(l.id));
    if (taken) share(p.targetId, [taken.id, p.id]);
  }
  for (const c of after.conflicts) if (c.kind === 'duplicate-target') share(c.targetId, c.collectorIds);

  // Names for every collector of either set; a planned one is marked as such.
  const plannedKeys = new Set(plannedSpecs.map((s) => s.id));
  const refsOf = (specs: CollectorSpec[], planned: boolean) =>
    new Map(specs.map((s) => [s.id, { id: s.id, name: s.name, bucket: s.bucket, active: s.active, planned: planned && plannedKeys.has(s.id) }]));
  const beforeRefs = refsOf(liveSpecs, false);
  const afterRefs = refsOf(afterSpecs, true);
  // For conflicts and names: the collectors after the plan, then those only the live set has.
  const refs = new Map([...beforeRefs, ...afterRefs]);
  const ref = (w: { collectorId: string } | undefined, from: Map<string, CollectorRef>): CollectorRef | null => (w ? from.get(w.collectorId) ?? null : null);

  const subnets = new Map(t.subnets.map((s) => [s.id, s.name]));
  const instances = new Map(t.instances.map((i) => [i.id, i.name]));
  const rows = new Map<string, InterfaceRow>(
    t.interfaces.map((n) => [
      n.id,
      {
        interface: { id: n.id, name: n.name },
        instance: { id: n.instanceId, name: instances.get(n.instanceId) ?? n.instanceId },
        subnet: { id: n.subnetId, name: subnets.get(n.subnetId) ?? n.subnetId },
      },
    ]),
  );
  const rowOf = (id: string): InterfaceRow => rows.get(id) ?? { interface: { id, name: id }, instance: { id: '', name: '' }, subnet: { id: '', name: '' } };

  const changeRows: ChangeRow[] = changes
    .map((c) => ({ ...rowOf(c.interfaceId), kind: c.kind, before: ref(c.before, beforeRefs), after: ref(c.after, afterRefs) }))
    .sort((a, b) => byText(kindOrder(a.kind), kindOrder(b.kind)) || compareRows(a, b));
  const changeById = new Map(changes.map((c) => [c.interfaceId, c]));

  const interfaces: InterfaceAfter[] = after.interfaces
    .map((r) => {
      const c = changeById.get(r.interfaceId);
      const w = r.winner;
      return {
        ...rowOf(r.interfaceId),
        bucket: w ? w.bucket : null,
        logged: w ? w.active : false,
        collector: w ? afterRefs.get(w.collectorId)?.name ?? w.collectorId : null,
        change: c ? { kind: c.kind, beforeBucket: c.before ? c.before.bucket : null, beforeLogged: c.before ? c.before.active : false } : null,
      };
    })
    .sort(compareRows);

  const uncovered = after.uncovered.map(rowOf).sort(compareRows);
  const conflicts = [
    ...[...sharing].map(([targetId, collectorIds]) => duplicateRow(targetId, collectorIds, refs, targetRef)),
    ...after.conflicts.filter((c) => c.kind === 'unknown-target').map((c) => unknownRow(c.collectorId, c.targetId, refs, targetRef)),
  ].sort((a, b) => byText(a.target.name, b.target.name) || byText(a.collectors.join(), b.collectors.join()));

  const plannedRows: PlannedRow[] = planned
    .map((p) => ({
      op: p.op,
      name: p.name,
      key: p.key,
      target: targetRef(p.targetId),
      bucket: p.bucket,
      active: p.active,
      wins: after.receivedBy[p.key]?.length ?? 0,
    }))
    .sort((a, b) => byText(a.name, b.name) || byText(a.key, b.key));

  const liveById = new Map(liveCollectors.map((c) => [c.id, c]));
  const removedRows: RemovedRow[] = removed
    .map((r) => {
      const c = liveById.get(r.id)!;
      return { op: r.op, id: c.id, name: c.name, target: targetRef(c.target.id), bucket: c.storageBucket, won: before.receivedBy[c.id]?.length ?? 0 };
    })
    .sort((a, b) => byText(a.name, b.name) || byText(a.id, b.id));

  const notable = changes.filter((c) => c.kind !== 'rewon');
  const summary = notable.length > 0 ? summarizeChanges(notable, topology, afterSpecs, liveSpecs) : [];

  const count = (k: ChangeKind) => changes.filter((c) => c.kind === k).length;
  return {
    vpc: { id: t.vpc.id, name: t.vpc.name },
    counts: {
      interfaces: t.interfaces.length,
      moved: count('moved'),
      stopped: count('stopped'),
      started: count('started'),
      rewon: count('rewon'),
      uncovered: uncovered.length,
      conflicts: conflicts.length,
    },
    summary,
    planned: plannedRows,
    removed: removedRows,
    changes: changeRows,
    uncovered,
    conflicts,
    dependsOnSuspendedRule: hasSuspendedWinner(before) || hasSuspendedWinner(after),
    interfaces,
  };
}

function kindOrder(kind: ChangeKind): string {
  return String(['moved', 'stopped', 'started', 'rewon'].indexOf(kind));
}

function hasSuspendedWinner(r: Resolution): boolean {
  return r.interfaces.some((i) => i.winner !== undefined && !i.winner.active);
}

function describeCollector(id: string, refs: Map<string, CollectorRef>): string {
  const r = refs.get(id);
  return r ? `"${r.name}" (${r.planned ? 'planned' : 'live'}, bucket ${r.bucket})` : id;
}

function duplicateRow(targetId: string, collectorIds: string[], refs: Map<string, CollectorRef>, targetRef: (id: string) => TargetRef): ConflictRow {
  const nameOf = (id: string) => refs.get(id)?.name ?? id;
  const ids = [...collectorIds].sort((a, b) => byText(nameOf(a), nameOf(b)) || byText(a, b));
  const target = targetRef(targetId);
  const live = ids.filter((id) => refs.get(id)?.planned === false);
  const advice = live.length > 0 ? `delete or import ${live.map((id) => `"${nameOf(id)}"`).join(' and ')}, or choose another target` : 'keep one of them';
  return {
    kind: 'duplicate-target',
    target,
    collectors: ids.map(nameOf),
    message: `${describeTarget(target)} would have ${ids.length} collectors: ${ids.map((id) => describeCollector(id, refs)).join(' and ')}; a target can have only one, so IBM Cloud will refuse the create: ${advice}`,
  };
}

function unknownRow(collectorId: string, targetId: string, refs: Map<string, CollectorRef>, targetRef: (id: string) => TargetRef): ConflictRow {
  return {
    kind: 'unknown-target',
    target: targetRef(targetId),
    collectors: [refs.get(collectorId)?.name ?? collectorId],
    message: `collector ${describeCollector(collectorId, refs)} targets ${targetId}, which is not in this VPC`,
  };
}

export function describeTarget(t: TargetRef): string {
  return `${t.type === 'unknown' ? 'target' : TARGET_WORDS[t.type]} ${t.name}`;
}

/** The exit status the model calls for (see planCommand.ts). */
export function exitStatusOf(model: PlanModel, failOnUncovered: boolean): number {
  if (model.totals.conflicts > 0) return EXIT_CONFLICTS;
  if (failOnUncovered && model.totals.uncovered > 0) return EXIT_UNCOVERED;
  return 0;
}

export const EXIT_CONFLICTS = 3;
export const EXIT_UNCOVERED = 4;
