import type { TopologyModel } from '../models/topology';
import type { Instance, NetworkAttachment, NetworkInterface, Subnet, VirtualNetworkInterface, Vpc } from '../models/topologyTypes';
import type { References } from './references';

/** Topology resources in the API's shapes (the fields flow logs and their users need, named as IBM names them). */
export class TopologyViews {
  constructor(private readonly refs: References, private readonly topo: TopologyModel) {}

  vpc(v: Vpc) {
    return {
      classic_access: false,
      created_at: v.createdAt,
      crn: v.crn,
      href: `${this.refs.base}/v1/vpcs/${v.id}`,
      id: v.id,
      name: v.name,
      resource_group: this.refs.resourceGroup(v.resourceGroupId),
      resource_type: 'vpc',
      status: 'available',
    };
  }

  subnet(s: Subnet) {
    const size = 2 ** (32 - Number(s.cidr.split('/')[1]));
    return {
      available_ipv4_address_count: size - 5,
      created_at: s.createdAt,
      crn: s.crn,
      href: `${this.refs.base}/v1/subnets/${s.id}`,
      id: s.id,
      ip_version: 'ipv4',
      ipv4_cidr_block: s.cidr,
      name: s.name,
      resource_group: this.refs.resourceGroup(s.resourceGroupId),
      resource_type: 'subnet',
      status: 'available',
      total_ipv4_address_count: size,
      vpc: this.refs.vpc(s.vpcId),
      zone: this.refs.zone(s.zone),
    };
  }

  /** An instance on network attachments also shows each attachment as a read-only network interface with its id. */
  networkInterfacesOf(instanceId: string) {
    const inst = this.topo.instance(instanceId)!;
    if (inst.interfaceModel === 'network_interface') return this.topo.interfacesOf(instanceId).map((n) => this.networkInterface(n));
    return this.topo.attachmentsOf(instanceId).map((a) => {
      const vni = this.topo.vni(a.vniId);
      return this.networkInterface({ id: a.id, name: a.name, instanceId, subnetId: a.subnetId, primaryIp: vni?.primaryIp ?? '', primary: a.primary });
    });
  }

  instance(i: Instance) {
    const nics = this.networkInterfacesOf(i.id).map((n) => ({ href: n.href, id: n.id, name: n.name, primary_ip: n.primary_ip, resource_type: n.resource_type, subnet: n.subnet }));
    const atts = this.topo.attachmentsOf(i.id).map((a) => this.refs.attachment(a.id));
    return {
      created_at: i.createdAt,
      crn: i.crn,
      href: `${this.refs.base}/v1/instances/${i.id}`,
      id: i.id,
      lifecycle_state: 'stable',
      name: i.name,
      network_attachments: atts,
      network_interfaces: nics,
      ...(atts.length > 0 ? { primary_network_attachment: atts[0] } : {}),
      primary_network_interface: nics[0],
      profile: { href: `${this.refs.base}/v1/instance/profiles/${i.profile}`, name: i.profile },
      resource_group: this.refs.resourceGroup(i.resourceGroupId),
      resource_type: 'instance',
      status: 'running',
      vpc: this.refs.vpc(i.vpcId),
      zone: this.refs.zone(i.zone),
    };
  }

  networkInterface(n: NetworkInterface) {
    return {
      allow_ip_spoofing: false,
      created_at: this.topo.instance(n.instanceId)?.createdAt,
      href: `${this.refs.base}/v1/instances/${n.instanceId}/network_interfaces/${n.id}`,
      id: n.id,
      name: n.name,
      port_speed: 1000,
      primary_ip: this.refs.ip(n.primaryIp),
      resource_type: 'network_interface',
      status: 'available',
      subnet: this.refs.subnet(n.subnetId),
      type: n.primary ? 'primary' : 'secondary',
    };
  }

  attachment(a: NetworkAttachment) {
    const vni = this.topo.vni(a.vniId);
    return {
      created_at: this.topo.instance(a.instanceId)?.createdAt,
      href: `${this.refs.base}/v1/instances/${a.instanceId}/network_attachments/${a.id}`,
      id: a.id,
      lifecycle_state: 'stable',
      name: a.name,
      port_speed: 1000,
      primary_ip: this.refs.ip(vni?.primaryIp ?? ''),
      resource_type: 'instance_network_attachment',
      subnet: this.refs.subnet(a.subnetId),
      type: a.primary ? 'primary' : 'secondary',
      virtual_network_interface: this.refs.vni(a.vniId),
    };
  }

  vni(v: VirtualNetworkInterface) {
    return {
      auto_delete: v.attachmentId !== undefined,
      created_at: v.createdAt,
      crn: v.crn,
      href: `${this.refs.base}/v1/virtual_network_interfaces/${v.id}`,
      id: v.id,
      lifecycle_state: 'stable',
      name: v.name,
      primary_ip: this.refs.ip(v.primaryIp),
      resource_group: this.refs.resourceGroup(v.resourceGroupId),
      resource_type: 'virtual_network_interface',
      subnet: this.refs.subnet(v.subnetId),
      ...(v.attachmentId ? { target: this.refs.attachment(v.attachmentId) } : {}),
      vpc: this.refs.vpc(v.vpcId),
      zone: this.refs.zone(v.zone),
    };
  }
}
