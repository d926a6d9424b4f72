import type { TopologyReader } from './topology';
import type { CallOptions, ResolvedTarget, VpcTopology } from './types';
import type { VpcClient } from './vpcClient';

/** A miss reloads the index at most this often: a target created after the last load is found, a typo costs little. */
const RELOAD_AFTER_MISS_MS = 10_000;

/**
 * Every possible target of the region (VPCs, subnets, instances, interfaces, attachments, virtual network interfaces)
 * by id and by CRN, built from the topology reader's cache: one deployment reads the topology once, however many
 * collectors it checks and creates.
 */
export class TargetIndex {
  private index?: Promise<Map<string, ResolvedTarget>>;
  private loadedAt = 0;

  constructor(private readonly vpc: Pick<VpcClient, 'listVpcs'>, private readonly topology: TopologyReader) {}

  async resolve(idOrCrn: string, options: CallOptions = {}): Promise<ResolvedTarget | undefined> {
    const found = (await this.load(options)).get(idOrCrn);
    if (found || Date.now() - this.loadedAt < RELOAD_AFTER_MISS_MS) return found;
    this.invalidate();
    return (await this.load(options)).get(idOrCrn);
  }

  /** The targets named `name` (names are unique per VPC at best: interfaces are eth0 on every instance), by id. */
  async named(name: string, options: CallOptions = {}): Promise<ResolvedTarget[]> {
    const byId = new Map<string, ResolvedTarget>();
    for (const t of (await this.load(options)).values()) if (t.name === name) byId.set(t.id, t);
    return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  invalidate(): void {
    this.index = undefined;
    this.topology.invalidate();
  }

  private load(options: CallOptions): Promise<Map<string, ResolvedTarget>> {
    if (!this.index) {
      const loading = this.build(options);
      this.index = loading;
      loading.then(
        () => (this.loadedAt = Date.now()),
        () => {
          if (this.index === loading) this.index = undefined; // a failed load is not cached
        },
      );
    }
    return this.index;
  }

  private async build(options: CallOptions): Promise<Map<string, ResolvedTarget>> {
    const vpcs = await this.vpc.listVpcs(options);
    const topologies = await Promise.all(vpcs.map((v) => this.topology.read(v.id, options)));
    const index = new Map<string, ResolvedTarget>();
    for (const t of topologies) addTopology(index, t);
    return index;
  }
}

function addTopology(index: Map<string, ResolvedTarget>, t: VpcTopology): void {
  const vpcId = t.vpc.id;
  const add = (entry: ResolvedTarget) => {
    index.set(entry.id, entry);
    if (entry.crn) index.set(entry.crn, entry);
  };
  add({ type: 'vpc', id: vpcId, vpcId, name: t.vpc.name, crn: t.vpc.crn });
  for (const s of t.subnets) add({ type: 'subnet', id: s.id, vpcId, name: s.name, crn: s.crn });
  for (const i of t.instances) add({ type: 'instance', id: i.id, vpcId, name: i.name, crn: i.crn });
  for (const n of t.interfaces) add({ type: n.kind, id: n.id, vpcId, name: n.name });
  for (const v of t.virtualNetworkInterfaces) add({ type: 'virtual_network_interface', id: v.id, vpcId, name: v.name, crn: v.crn });
}
