import type { Collector, CollectorFilters, VpcTopology } from '../ibm/types';
import { coverageOf, diffResolutions, overlay, resolve, summarizeChanges } from '../precedence';
import type { CollectorSpec, InterfaceChange, Resolution, Topology } from '../precedence/types';
import { targetId } from './validation';

/**
 * Between the IBM layer and the precedence simulator: the live topology and collectors as the simulator's plain data,
 * and what a collector's create, update or replacement does to every interface's flow logs (design.md §4).
 */

/** One entry of a collector's `coverage` output. */
export interface CoveredInterface {
  interfaceId: string;
  interfaceName: string;
  instanceId: string;
  subnetId: string;
}

/** What coverage needs from IBM Cloud: the cached topology reader and one collectors listing per operation. */
export interface CoverageServices {
  vpc: { listCollectors(filters?: CollectorFilters, options?: { signal?: AbortSignal }): AsyncIterable<Collector> };
  topology: { read(vpcId: string, options?: { signal?: AbortSignal }): Promise<VpcTopology> };
  log(severity: 'debug' | 'info' | 'warning', message: string): void | Promise<void>;
  signal: AbortSignal;
}

/** What reading the live state takes. */
export type LiveSources = Pick<CoverageServices, 'vpc' | 'topology' | 'signal'>;

export function topologyOf(t: VpcTopology): Topology {
  const vpcId = t.vpc.id;
  return {
    vpcs: [{ id: vpcId, name: t.vpc.name }],
    subnets: t.subnets.map((s) => ({ id: s.id, vpcId, name: s.name })),
    instances: t.instances.map((i) => ({ id: i.id, vpcId, name: i.name })),
    interfaces: t.interfaces.map((n) => ({ id: n.id, name: n.name, kind: n.kind, instanceId: n.instanceId, subnetId: n.subnetId, ...(n.vniId ? { vniId: n.vniId } : {}) })),
    virtualNetworkInterfaces: t.virtualNetworkInterfaces.map((v) => ({ id: v.id, name: v.name, ...(v.attachmentId ? { attachmentId: v.attachmentId } : {}) })),
  };
}

/** A live collector as the simulator sees it. */
export function specOf(c: Collector): CollectorSpec {
  return { id: c.id, name: c.name, targetId: c.target.id, bucket: c.storageBucket, active: c.active };
}

/** A collector's spec from its recorded outputs (or checked inputs); undefined when a value it needs is missing. */
export function specFromProperties(id: string, values: Record<string, unknown>): CollectorSpec | undefined {
  const { target, storageBucket, name } = values;
  if (typeof target !== 'string' || typeof storageBucket !== 'string' || typeof name !== 'string') return undefined;
  return { id, name, targetId: targetId(target), bucket: storageBucket, active: values.active !== false };
}

/** Every collector of one VPC (one listing, all pages). */
export async function liveCollectors(services: LiveSources, vpcId: string): Promise<Collector[]> {
  const all: Collector[] = [];
  for await (const c of services.vpc.listCollectors({ 'vpc.id': vpcId }, { signal: services.signal })) all.push(c);
  return all;
}

/** The VPC's topology (cached per process) and its live collectors, fetched side by side. */
export async function liveState(services: LiveSources, vpcId: string): Promise<{ topology: Topology; live: CollectorSpec[] }> {
  const [t, live] = await Promise.all([services.topology.read(vpcId, { signal: services.signal }), liveCollectors(services, vpcId)]);
  return { topology: topologyOf(t), live: live.map(specOf) };
}

/** The interfaces one collector receives in a resolution, in the output's shape, sorted by interfaceId. */
export function coverageFor(resolution: Resolution, collectorId: string, topology: Topology): CoveredInterface[] {
  return coverageOf(resolution, collectorId, topology).map((c) => ({ interfaceId: c.interfaceId, interfaceName: c.interfaceName, instanceId: c.instanceId, subnetId: c.subnetId }));
}

export interface CoverageComparison {
  before: Resolution;
  after: Resolution;
  changes: InterfaceChange[];
  /** The warnings a user must see: buckets that change, logs that stop, interfaces left uncovered. */
  warnings: string[];
  /** The same, for a collector whose target, bucket or name is secret: a count, naming nothing. */
  redactedWarnings: string[];
  /** Good news worth a line (info, not a warning): interfaces that start receiving flow logs, e.g. on resume. */
  notes: string[];
}

/** Appended to every warning that depends on the suspended-collector rule (design.md §4). */
export const SUSPENDED_RULE_NOTE =
  ' (suspended-collector rule: a suspended collector still holds its place in the precedence order, so no less specific collector takes over its interfaces; this is our reading of the service)';

/** Changes a user is warned about: flow logs that go to another bucket, and flow logs that stop (or lose every collector). */
const WARNED: ReadonlySet<InterfaceChange['kind']> = new Set(['moved', 'stopped']);

/** What happens to every interface's flow logs between two collector sets, and the warnings it calls for. */
export function compare(topology: Topology, before: CollectorSpec[], after: CollectorSpec[]): CoverageComparison {
  const b = resolve(topology, before);
  const a = resolve(topology, after);
  const changes = diffResolutions(b, a);
  const warned = changes.filter((c) => WARNED.has(c.kind));
  const notes = summarizeChanges(changes.filter((c) => c.kind === 'started'), topology, after, before);
  if (warned.length === 0) return { before: b, after: a, changes, warnings: [], redactedWarnings: [], notes };
  // A stop depends on the suspended-collector rule when, without the rule, an active collector would receive the logs.
  let dependent: InterfaceChange[] = [];
  if (warned.some((c) => c.after !== undefined && !c.after.active)) {
    const without = resolve(topology, after, { suspendedCollectorHoldsItsPlace: false });
    const delivered = new Set(without.interfaces.filter((r) => r.winner?.active).map((r) => r.interfaceId));
    dependent = warned.filter((c) => c.after !== undefined && !c.after.active && delivered.has(c.interfaceId));
  }
  const rest = warned.filter((c) => !dependent.includes(c));
  const warnings = [
    ...summarizeChanges(dependent, topology, after, before).map((line) => `${line}${SUSPENDED_RULE_NOTE}`),
    ...summarizeChanges(rest, topology, after, before),
  ];
  const count = warned.length === 1 ? "1 interface's flow logs move to another bucket or stop" : `${warned.length} interfaces' flow logs move to another bucket or stop`;
  const redacted = `${count} with this change; the details are not shown because this collector's target, storage bucket or name is secret${dependent.length > 0 ? SUSPENDED_RULE_NOTE : ''}`;
  return { before: b, after: a, changes, warnings, redactedWarnings: [redacted], notes };
}

/** The coverage of one collector among a set of collectors. */
export function coverageAmong(topology: Topology, collectors: CollectorSpec[], collectorId: string): CoveredInterface[] {
  return coverageFor(resolve(topology, collectors), collectorId, topology);
}

export { overlay };
