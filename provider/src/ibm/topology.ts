import { raceAbort } from './abort';
import { IbmAbortError, IbmNotFoundError } from './errors';
import type { CallOptions, VpcTopology } from './types';
import type { VpcClient } from './vpcClient';

/**
 * A VPC's network as the precedence simulator and coverage need it (VPC → subnets → instances → interfaces and
 * attachments → virtual network interfaces), read with four listings, and cached for the life of the provider
 * process: every resource of one deployment shares one reader, and concurrent readers of one VPC share one fetch.
 */

export type TopologySource = Pick<VpcClient, 'getVpc' | 'listSubnets' | 'listInstances' | 'listVirtualNetworkInterfaces'>;

export interface TopologyReadOptions extends CallOptions {
  /** Ignore a cached topology and fetch again (the new fetch is then cached). */
  refresh?: boolean;
}

export class TopologyReader {
  private readonly cache = new Map<string, Promise<VpcTopology>>();

  constructor(private readonly client: TopologySource) {}

  /**
   * The VPC's topology, from the cache or one fetch shared by every concurrent caller. A caller's signal stops its
   * own wait, not the shared fetch. A failed fetch is not cached. Rejects with IbmNotFoundError when no VPC has the id.
   */
  read(vpcId: string, options: TopologyReadOptions = {}): Promise<VpcTopology> {
    let entry = options.refresh ? undefined : this.cache.get(vpcId);
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

  /** Forgets one VPC's topology, or every one. */
  invalidate(vpcId?: string): void {
    if (vpcId === undefined) this.cache.clear();
    else this.cache.delete(vpcId);
  }

  private async fetch(vpcId: string): Promise<VpcTopology> {
    const [vpc, subnets, instances, vnis] = await Promise.all([
      this.client.getVpc(vpcId),
      this.client.listSubnets(vpcId),
      this.client.listInstances(vpcId),
      this.client.listVirtualNetworkInterfaces(),
    ]);
    if (!vpc) {
      throw new IbmNotFoundError({
        message: `Could not read the topology of VPC ${vpcId}: no VPC with this id exists in the region (GET /v1/vpcs/${vpcId} answered 404)`,
        method: 'GET',
        url: `/v1/vpcs/${encodeURIComponent(vpcId)}`,
        status: 404,
      });
    }
    const subnetIds = new Set(subnets.map((s) => s.id));
    const vnisInVpc = vnis.filter((v) => (v.vpcId !== undefined ? v.vpcId === vpcId : subnetIds.has(v.subnetId)));
    const vniByAttachment = new Map(vnis.filter((v) => v.attachmentId).map((v) => [v.attachmentId!, v]));

    const interfaces: VpcTopology['interfaces'] = [];
    for (const inst of instances) {
      if (inst.networkAttachments.length > 0) {
        // An instance on attachments also lists them as read-only network interfaces with the same ids: the
        // attachments are its interfaces, and the legacy view (or the VNI) fills in a missing subnet.
        for (const att of inst.networkAttachments) {
          const vni = att.vniId ? vnis.find((v) => v.id === att.vniId) : vniByAttachment.get(att.id);
          const subnetId = att.subnetId ?? inst.networkInterfaces.find((n) => n.id === att.id)?.subnetId ?? vni?.subnetId ?? '';
          const entry: VpcTopology['interfaces'][number] = { id: att.id, name: att.name, kind: 'instance_network_attachment', instanceId: inst.id, subnetId };
          const vniId = att.vniId ?? vni?.id;
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
      virtualNetworkInterfaces: vnisInVpc.map((v) => {
        const out: VpcTopology['virtualNetworkInterfaces'][number] = { id: v.id, crn: v.crn, name: v.name, subnetId: v.subnetId };
        const attachmentId = v.attachmentId ?? attachmentOfVni.get(v.id);
        if (attachmentId) out.attachmentId = attachmentId;
        return out;
      }),
    };
  }
}
