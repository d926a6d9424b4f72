import { raceAbort } from './abort';
import { IbmAbortError, IbmNotFoundError } from './errors';
import type { CallOptions, InstanceInfo, SubnetInfo, VirtualNetworkInterfaceInfo, VpcInfo, VpcTopology } from './types';
import type { VpcClient } from './vpcClient';

/**
 * A VPC's network as the precedence simulator and coverage need it (VPC → subnets → instances → interfaces and
 * attachments → virtual network interfaces), and cached for the life of the provider process: every resource of one
 * deployment shares one reader, and concurrent readers of one VPC share one fetch. A VPC costs three listings (its
 * VPC, subnets and instances); the region's virtual network interfaces (the API has no VPC filter for them) are
 * listed once for all the VPCs read, not once per VPC.
 */

export type TopologySource = Pick<VpcClient, 'getVpc' | 'listSubnets' | 'listInstances' | 'listVirtualNetworkInterfaces'>;

export interface TopologyReadOptions extends CallOptions {
  /** Ignore a cached topology and fetch again, the region's virtual network interfaces too (the new fetch is then cached). */
  refresh?: boolean;
}

/** The region's virtual network interfaces, by VPC (those whose `vpc` reference is missing are kept apart). */
export interface RegionVnis {
  byVpc: ReadonlyMap<string, readonly VirtualNetworkInterfaceInfo[]>;
  withoutVpc: readonly VirtualNetworkInterfaceInfo[];
}

export function indexVnis(vnis: readonly VirtualNetworkInterfaceInfo[]): RegionVnis {
  const byVpc = new Map<string, VirtualNetworkInterfaceInfo[]>();
  const withoutVpc: VirtualNetworkInterfaceInfo[] = [];
  for (const v of vnis) {
    if (v.vpcId === undefined) withoutVpc.push(v);
    else if (byVpc.has(v.vpcId)) byVpc.get(v.vpcId)!.push(v);
    else byVpc.set(v.vpcId, [v]);
  }
  return { byVpc, withoutVpc };
}

/**
 * One VPC's topology from what the API answered (pure). IBM's instance `network_attachments[]` references carry the
 * attachment's subnet and virtual network interface; when one lacks them (a client talking to an older API, or a
 * trimmed response), the fallback takes the subnet from the instance's legacy view of the attachment (same id) or the
 * VNI, and the VNI from the VNI whose `target` is the attachment.
 */
export function assembleTopology(vpc: VpcInfo, subnets: readonly SubnetInfo[], instances: readonly InstanceInfo[], region: RegionVnis): VpcTopology {
  const subnetIds = new Set(subnets.map((s) => s.id));
  const vnis = [...(region.byVpc.get(vpc.id) ?? []), ...region.withoutVpc.filter((v) => subnetIds.has(v.subnetId))];
  const vniById = new Map(vnis.map((v) => [v.id, v]));
  const vniByAttachment = new Map(vnis.filter((v) => v.attachmentId).map((v) => [v.attachmentId!, v]));

  const interfaces: VpcTopology['interfaces'] = [];
  for (const inst of instances) {
    if (inst.networkAttachments.length > 0) {
      // An instance on attachments also lists them as read-only network interfaces with the same ids: the
      // attachments are its interfaces.
      for (const att of inst.networkAttachments) {
        const vniId = att.vniId ?? vniByAttachment.get(att.id)?.id;
        const subnetId = att.subnetId ?? inst.networkInterfaces.find((n) => n.id === att.id)?.subnetId ?? (vniId ? vniById.get(vniId)?.subnetId : undefined) ?? '';
        const entry: VpcTopology['interfaces'][number] = { id: att.id, name: att.name, kind: 'instance_network_attachment', instanceId: inst.id, subnetId };
        if (vniId) entry.vniId = vniId;
        interfaces.push(entry);
      }
    } else {
      for (const nic of inst.networkInterfaces) {
        interfaces.push({ id: nic.id, name: nic.name, kind: 'network_interface', instanceId: inst.id, subnetId: nic.subnetId });
      }
    }
  }
  const attachmentOfVni = new Map(interfaces.filter((i) => i.vniId).map((i) => [i.vniId!, i.id]));

  return {
    vpc: { id: vpc.id, crn: vpc.crn, name: vpc.name },
    subnets: subnets.map((s) => ({ id: s.id, crn: s.crn, name: s.name })),
    instances: instances.map((i) => ({ id: i.id, crn: i.crn, name: i.name })),
    interfaces,
    virtualNetworkInterfaces: vnis.map((v) => {
      const out: VpcTopology['virtualNetworkInterfaces'][number] = { id: v.id, crn: v.crn, name: v.name, subnetId: v.subnetId };
      const attachmentId = v.attachmentId ?? attachmentOfVni.get(v.id);
      if (attachmentId) out.attachmentId = attachmentId;
      return out;
    }),
  };
}

export class TopologyReader {
  private readonly cache = new Map<string, Promise<VpcTopology>>();
  private vnis?: Promise<RegionVnis>;

  constructor(private readonly client: TopologySource) {}

  /**
   * The VPC's topology, from the cache or one fetch shared by every concurrent caller. A caller's signal stops its
   * own wait, not the shared fetch. A failed fetch is not cached. Rejects with IbmNotFoundError when no VPC has the id.
   */
  read(vpcId: string, options: TopologyReadOptions = {}): Promise<VpcTopology> {
    if (options.refresh) this.invalidate(vpcId);
    let entry = this.cache.get(vpcId);
    if (!entry) {
      const fetch = this.fetch(vpcId);
      entry = fetch;
      this.cache.set(vpcId, fetch);
      fetch.catch(() => {
        if (this.cache.get(vpcId) === fetch) this.cache.delete(vpcId);
      });
    }
    return raceAbort(entry, options.signal, () => new IbmAbortError({ operation: `read the topology of VPC ${vpcId}`, method: 'GET', url: `/v1/vpcs/${vpcId}` }));
  }

  /**
   * Forgets one VPC's topology, or every one. Either way the region's virtual network interfaces are listed again
   * by the next read (once, however many VPCs it reads), since a VNI may have come or gone with the change.
   */
  invalidate(vpcId?: string): void {
    if (vpcId === undefined) this.cache.clear();
    else this.cache.delete(vpcId);
    this.vnis = undefined;
  }

  private regionVnis(): Promise<RegionVnis> {
    if (!this.vnis) {
      const listing = this.client.listVirtualNetworkInterfaces().then(indexVnis);
      this.vnis = listing;
      listing.catch(() => {
        if (this.vnis === listing) this.vnis = undefined; // a failed listing is not cached
      });
    }
    return this.vnis;
  }

  private async fetch(vpcId: string): Promise<VpcTopology> {
    const [vpc, subnets, instances, vnis] = await Promise.all([
      this.client.getVpc(vpcId),
      this.client.listSubnets(vpcId),
      this.client.listInstances(vpcId),
      this.regionVnis(),
    ]);
    if (!vpc) {
      throw new IbmNotFoundError({
        message: `Could not read the topology of VPC ${vpcId}: no VPC with this id exists in the region (GET /v1/vpcs/${vpcId} answered 404)`,
        method: 'GET',
        url: `/v1/vpcs/${encodeURIComponent(vpcId)}`,
        status: 404,
      });
    }
    return assembleTopology(vpc, subnets, instances, vnis);
  }
}
