import type { CollectorRecord, LifecycleState } from './collectors';
import type { TopologyModel } from './topology';
import type { Instance, Subnet, Vpc } from './topologyTypes';

/**
 * Which collector receives an interface's flow logs (README.md, "What the provider does"), the emulator's own
 * implementation of the service's rule: the most specific collector on the interface's chain wins, whatever its state.
 */

/** The precedence order, most specific first. */
export const PRECEDENCE = ['interface', 'virtual_network_interface', 'instance', 'subnet', 'vpc'] as const;
export type Level = (typeof PRECEDENCE)[number];

/**
 * A collector holds its place in the order in every lifecycle state until it is gone: a suspended (or pending,
 * updating, deleting, failed) winner writes nothing, and no broader collector takes its interfaces over meanwhile.
 */
export const WINNER_HOLDS_ITS_PLACE_IN_EVERY_STATE = true;

/** The unit flow logs are written for: a legacy network interface, or an instance network attachment. */
export interface LoggedInterface {
  id: string;
  name: string;
  kind: 'network_interface' | 'instance_network_attachment';
  /** Its primary IPv4 address (the attachment's virtual network interface's, for an attachment). */
  ip: string;
  instance: Instance;
  subnet: Subnet;
  vpc: Vpc;
  /** The virtual network interface behind an attachment. */
  vniId?: string;
}

/**
 * Every interface flow logs can be written for, in topology order: legacy NICs, then attachments. A virtual network
 * interface that is not attached to an instance carries no traffic and has no instance for the key, so it is not one.
 */
export function loggedInterfaces(topo: TopologyModel): LoggedInterface[] {
  const out: LoggedInterface[] = [];
  const add = (id: string, name: string, kind: LoggedInterface['kind'], instanceId: string, subnetId: string, ip: string, vniId?: string) => {
    const instance = topo.instance(instanceId);
    const subnet = topo.subnet(subnetId);
    const vpc = instance && topo.vpc(instance.vpcId);
    if (instance && subnet && vpc) out.push({ id, name, kind, ip, instance, subnet, vpc, ...(vniId ? { vniId } : {}) });
  };
  for (const n of topo.data.networkInterfaces) add(n.id, n.name, 'network_interface', n.instanceId, n.subnetId, n.primaryIp);
  for (const a of topo.data.networkAttachments) {
    const vni = topo.vni(a.vniId);
    add(a.id, a.name, 'instance_network_attachment', a.instanceId, vni?.subnetId ?? a.subnetId, vni?.primaryIp ?? '0.0.0.0', a.vniId);
  }
  return out;
}

/** The target ids on an interface's chain, in {@link PRECEDENCE} order (no VNI level for a legacy NIC). */
export function chainOf(i: LoggedInterface): Array<[Level, string | undefined]> {
  return [
    ['interface', i.id],
    ['virtual_network_interface', i.vniId],
    ['instance', i.instance.id],
    ['subnet', i.subnet.id],
    ['vpc', i.vpc.id],
  ];
}

export function winnerOf<C>(i: LoggedInterface, byTarget: ReadonlyMap<string, C>): { collector: C; level: Level } | undefined {
  for (const [level, id] of chainOf(i)) {
    const collector = id === undefined ? undefined : byTarget.get(id);
    if (collector !== undefined) return { collector, level };
  }
  return undefined;
}

/** A collector's lifecycle state at time `t` (ms on the emulator clock), landing a transition due by then; `gone` once deleted. */
export function stateAt(r: CollectorRecord, t: number): LifecycleState | 'gone' {
  if (r.transition && r.transition.at <= t) {
    if (r.transition.to === 'gone') return 'gone';
    if (r.transition.to === 'failed') return 'failed';
    return r.active ? 'stable' : 'suspended';
  }
  return r.lifecycleState;
}

/**
 * Only an `active` collector in `stable` writes. `pending` and `updating` (a change still being applied) write
 * nothing, nor do `suspended`, `deleting` (the docs: deleting drops not-yet-shipped logs) and `failed`.
 */
export function writes(state: LifecycleState | 'gone', active: boolean): boolean {
  return active && state === 'stable';
}
