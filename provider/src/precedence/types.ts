/**
 * The precedence simulator's data: plain values in, plain values out (README.md, "What the provider does"). No I/O, no
 * Pulumi, no HTTP.
 */

/** A VPC's network as the simulator sees it. Names are for reports only. */
export interface Topology {
  vpcs: Array<{ id: string; name?: string }>;
  subnets: Array<{ id: string; vpcId: string; name?: string }>;
  instances: Array<{ id: string; vpcId: string; name?: string }>;
  /** The units flow logs are written for: legacy instance network interfaces and instance network attachments. */
  interfaces: Array<{
    id: string;
    name?: string;
    kind: 'network_interface' | 'instance_network_attachment';
    instanceId: string;
    subnetId: string;
    /** The virtual network interface behind an attachment. */
    vniId?: string;
  }>;
  /** Known virtual network interfaces (attached or not), so a collector on one is not an unknown target. */
  virtualNetworkInterfaces?: Array<{ id: string; name?: string; attachmentId?: string }>;
}

/** A collector as the simulator sees it: live (from the API) or planned (from a preview or a list). */
export interface CollectorSpec {
  /** The collector's id, or for a planned one a stable key such as its Pulumi URN or name. */
  id: string;
  name: string;
  /** The id of its target (a CRN must be reduced to its id first). */
  targetId: string;
  bucket: string;
  active: boolean;
}

/** Where a collector's target sits in the precedence order, most specific first. */
export type Level = 'interface' | 'virtual_network_interface' | 'instance' | 'subnet' | 'vpc';

export interface InterfaceResult {
  interfaceId: string;
  /** The most specific collector on this interface's chain, if any. */
  winner?: { collectorId: string; bucket: string; level: Level; active: boolean };
  /** Less specific collectors on the chain that the winner overrides, most specific first. */
  shadowed: string[];
}

export type Conflict =
  | { kind: 'duplicate-target'; targetId: string; collectorIds: string[] }
  | { kind: 'unknown-target'; collectorId: string; targetId: string };

export interface Resolution {
  /** One entry per topology interface, in topology order. */
  interfaces: InterfaceResult[];
  /** For every collector id, the ids of the interfaces it wins (receives flow logs for when active), sorted. */
  receivedBy: Record<string, string[]>;
  /** Interfaces with no collector at any level, sorted. */
  uncovered: string[];
  conflicts: Conflict[];
}

/** What happens to one interface's flow logs between two collector sets. */
export interface InterfaceChange {
  interfaceId: string;
  before?: { collectorId: string; bucket: string; active: boolean };
  after?: { collectorId: string; bucket: string; active: boolean };
  /**
   * `moved`: logs go to another bucket; `stopped`: logs stop (suspended winner or no winner any more);
   * `started`: logs start; `rewon`: another collector wins but logs still land in the same bucket.
   */
  kind: 'moved' | 'stopped' | 'started' | 'rewon';
}

/** One interface a collector receives flow logs for: the FlowLogCollector `coverage` output, sorted by `interfaceId`. */
export interface CoverageEntry {
  interfaceId: string;
  /** The interface's name (empty when the topology carries none). */
  interfaceName: string;
  instanceId: string;
  subnetId: string;
}

/** Options of `resolve`; the default of each is the module's named constant. */
export interface ResolveOptions {
  /** Defaults to `SUSPENDED_COLLECTOR_HOLDS_ITS_PLACE`. `false` only exists to show, in tests, what the rule changes. */
  suspendedCollectorHoldsItsPlace?: boolean;
}
