/**
 * The live state as the precedence simulator sees it: IBM's topology and collectors (ibm/ types) turned into its plain
 * data (precedence/ types), and the reads that fetch them. FlowLogCollector's coverage and warnings, getCoverage and
 * `ibm-flowlogs plan` all start here.
 */
import type { Collector, CollectorFilters, VpcTopology } from '../ibm/types';
import type { CollectorSpec, Topology } from '../precedence/types';
import { targetId } from './collectorRules';

/** What reading the live state takes: the cached topology reader and the collectors listing. */
export interface LiveSources {
  vpc: { listCollectors(filters?: CollectorFilters, options?: { signal?: AbortSignal }): AsyncIterable<Collector> };
  topology: { read(vpcId: string, options?: { signal?: AbortSignal }): Promise<VpcTopology> };
  signal: AbortSignal;
}

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
export async function liveCollectors(sources: LiveSources, vpcId: string): Promise<Collector[]> {
  const all: Collector[] = [];
  for await (const c of sources.vpc.listCollectors({ 'vpc.id': vpcId }, { signal: sources.signal })) all.push(c);
  return all;
}

export interface LiveState {
  topology: Topology;
  live: CollectorSpec[];
}

/** The VPC's topology (cached per process) and its live collectors, fetched side by side. */
export async function liveState(sources: LiveSources, vpcId: string): Promise<LiveState> {
  const [t, live] = await Promise.all([sources.topology.read(vpcId, { signal: sources.signal }), liveCollectors(sources, vpcId)]);
  return { topology: topologyOf(t), live: live.map(specOf) };
}
