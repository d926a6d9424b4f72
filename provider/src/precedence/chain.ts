/**
 * The precedence rule (README.md, "What the provider does") written for reading: an interface's chain is the five
 * places a collector can sit for it, most specific first; the collector that receives its flow logs is the first one
 * found walking the chain. resolve.ts computes the same thing fast; the tests compare the two over random topologies,
 * and the wording (wording.ts) names collectors by their place on the chain.
 */
import { PRECEDENCE, SUSPENDED_COLLECTOR_HOLDS_ITS_PLACE } from './rules';
import type { CollectorSpec, Conflict, InterfaceResult, Resolution, ResolveOptions, Topology } from './types';

type Interface = Topology['interfaces'][number];

/** One id per level of PRECEDENCE: [interface, virtual network interface, instance, subnet, VPC]; undefined where there is none. */
export type Chain = [string, string | undefined, string, string | undefined, string | undefined];

/** Looks up what chains need (a VNI by its attachment, a subnet's VPC, an instance's VPC), building each map once. */
export class ChainIndex {
  private vniByAttachment?: Map<string, string>;
  private subnetVpc?: Map<string, string>;
  private instanceVpc?: Map<string, string>;

  constructor(readonly topology: Topology) {}

  /**
   * The interface itself; its virtual network interface (its own `vniId`, or for an attachment the VNI listed with
   * its id); its instance; its subnet, when the topology lists it; its subnet's VPC, or its instance's when the
   * topology does not list the subnet.
   */
  chainOf(it: Interface): Chain {
    let vni = it.vniId;
    if (vni === undefined && it.kind === 'instance_network_attachment') {
      this.vniByAttachment ??= new Map((this.topology.virtualNetworkInterfaces ?? []).filter((v) => v.attachmentId !== undefined).map((v) => [v.attachmentId as string, v.id]));
      vni = this.vniByAttachment.get(it.id);
    }
    this.subnetVpc ??= new Map(this.topology.subnets.map((s) => [s.id, s.vpcId]));
    let vpc = this.subnetVpc.get(it.subnetId);
    const listed = vpc !== undefined;
    if (!listed) {
      this.instanceVpc ??= new Map(this.topology.instances.map((h) => [h.id, h.vpcId]));
      vpc = this.instanceVpc.get(it.instanceId);
    }
    return [it.id, vni, it.instanceId, listed ? it.subnetId : undefined, vpc];
  }
}

/** The level (index into PRECEDENCE) at which a target sits on a chain; PRECEDENCE.length when it is not on it. */
export function levelOn(chain: ReadonlyArray<string | undefined>, targetId: string | undefined): number {
  const level = targetId === undefined ? -1 : chain.indexOf(targetId);
  return level < 0 ? PRECEDENCE.length : level;
}

/**
 * The resolution by the readable rule: for each interface, walk its chain and take the first collector found (the
 * first in input order when several share a target); a suspended one wins too unless the suspended-collector rule
 * is switched off. Slow (one walk per interface) and obviously right: the reference `resolve` is tested against.
 */
export function resolveByChain(topology: Topology, collectors: CollectorSpec[], options: ResolveOptions = {}): Resolution {
  const holdsPlace = options.suspendedCollectorHoldsItsPlace ?? SUSPENDED_COLLECTOR_HOLDS_ITS_PLACE;
  const firstOn = new Map<string, CollectorSpec>();
  for (const c of collectors) if (!firstOn.has(c.targetId)) firstOn.set(c.targetId, c);
  const index = new ChainIndex(topology);
  const known = new Set<string>([
    ...topology.vpcs.map((v) => v.id),
    ...topology.subnets.flatMap((s) => [s.id, s.vpcId]),
    ...topology.instances.map((h) => h.id),
    ...(topology.virtualNetworkInterfaces ?? []).map((v) => v.id),
  ]);

  const interfaces = topology.interfaces.map((it): InterfaceResult => {
    const chain = index.chainOf(it);
    for (const id of chain) if (id !== undefined) known.add(id);
    const onChain = chain.flatMap((id, level) => {
      const c = id === undefined ? undefined : firstOn.get(id);
      return c ? [{ c, level }] : [];
    });
    const w = onChain.findIndex((x) => holdsPlace || x.c.active);
    if (w < 0) return { interfaceId: it.id, shadowed: [] };
    const { c, level } = onChain[w];
    return { interfaceId: it.id, winner: { collectorId: c.id, bucket: c.bucket, level: PRECEDENCE[level], active: c.active }, shadowed: onChain.slice(w + 1).map((x) => x.c.id) };
  });

  const receivedBy: Record<string, string[]> = {};
  for (const c of collectors) {
    Object.defineProperty(receivedBy, c.id, {
      value: interfaces.filter((r) => r.winner?.collectorId === c.id).map((r) => r.interfaceId).sort(),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const conflicts: Conflict[] = [];
  for (const targetId of new Set(collectors.map((c) => c.targetId))) {
    const on = collectors.filter((c) => c.targetId === targetId);
    if (on.length > 1) conflicts.push({ kind: 'duplicate-target', targetId, collectorIds: on.map((c) => c.id) });
  }
  for (const c of collectors) if (!known.has(c.targetId)) conflicts.push({ kind: 'unknown-target', collectorId: c.id, targetId: c.targetId });
  const uncovered = interfaces.filter((r) => !r.winner).map((r) => r.interfaceId).sort();
  return { interfaces, receivedBy, uncovered, conflicts };
}
