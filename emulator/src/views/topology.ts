import { crn } from '../models/ids';
import type { TopologyModel } from '../models/topology';
import type { Instance, NetworkAttachment, NetworkInterface, Subnet, VirtualNetworkInterface, Vpc } from '../models/topologyTypes';
import type { References } from './references';

/** Addresses IBM reserves in every subnet: network, gateway, two for the service, broadcast. */
const RESERVED_PER_SUBNET = 5;
/** IBM's default resolvers, as a VPC with the system resolver shows them. */
const SYSTEM_DNS_SERVERS = ['161.26.0.10', '161.26.0.11'];

/**
 * An instance profile's figures from its name (`bx2-2x8`: 2 vCPUs, 8 GiB; `bz2-…` are s390x). Bandwidth follows the
 * balanced profiles: 2 Gbps per vCPU, a quarter of it for volumes.
 */
function profileFigures(profile: string) {
  const m = /^([a-z]+)\d*[a-z]*-(\d+)x(\d+)/.exec(profile);
  const vcpus = m ? Number(m[2]) : 2;
  const memory = m ? Number(m[3]) : 8;
  const s390x = m ? /z$/.test(m[1]) : false;
  const bandwidth = vcpus * 2000;
  return { vcpus, memory, architecture: s390x ? 's390x' : 'amd64', manufacturer: s390x ? 'ibm' : 'intel', bandwidth, volume: bandwidth / 4 };
}

/**
 * Topology resources in the API's shapes: every field IBM's VPC SDK marks required, named and typed as it declares
 * them, with the references pointing at the emulator's own resources. What the topology file does not describe (a
 * VPC's default ACL, an instance's boot volume, …) is derived from ids, so one file always renders the same.
 */
export class TopologyViews {
  constructor(private readonly refs: References, private readonly topo: TopologyModel) {}

  vpc(v: Vpc) {
    const d = this.topo.vpcDefaults(v.id);
    return {
      classic_access: false,
      created_at: v.createdAt,
      crn: v.crn,
      cse_source_ips: d.cseSourceIps.map((c) => ({ ip: { address: c.address }, zone: this.refs.zone(c.zone) })),
      default_network_acl: this.refs.networkAcl(v.id),
      default_routing_table: this.refs.routingTable(v.id),
      default_security_group: this.refs.securityGroup(v.id),
      dns: {
        enable_hub: false,
        resolution_binding_count: 0,
        resolver: { configuration: 'default', servers: SYSTEM_DNS_SERVERS.map((address) => ({ address })), type: 'system' },
      },
      health_reasons: [],
      health_state: 'ok',
      href: `${this.refs.base}/v1/vpcs/${v.id}`,
      id: v.id,
      name: v.name,
      public_address_ranges: [],
      resource_group: this.refs.resourceGroup(v.resourceGroupId),
      resource_type: 'vpc',
      status: 'available',
    };
  }

  subnet(s: Subnet) {
    const size = 2 ** (32 - Number(s.cidr.split('/')[1]));
    return {
      available_ipv4_address_count: Math.max(0, size - RESERVED_PER_SUBNET - this.topo.addressesInUse(s.id)),
      created_at: s.createdAt,
      crn: s.crn,
      href: `${this.refs.base}/v1/subnets/${s.id}`,
      id: s.id,
      ip_version: 'ipv4',
      ipv4_cidr_block: s.cidr,
      name: s.name,
      network_acl: this.refs.networkAcl(s.vpcId),
      resource_group: this.refs.resourceGroup(s.resourceGroupId),
      resource_type: 'subnet',
      routing_table: this.refs.routingTable(s.vpcId),
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

  /** InstanceNetworkAttachmentReference: the attachment with its address, subnet and virtual network interface. */
  private attachmentRef(a: NetworkAttachment) {
    return { ...this.refs.attachment(a.id), primary_ip: this.refs.ip(a.subnetId, this.topo.vni(a.vniId)?.primaryIp ?? ''), subnet: this.refs.subnet(a.subnetId), virtual_network_interface: this.refs.vni(a.vniId) };
  }

  instance(i: Instance) {
    const nics = this.networkInterfacesOf(i.id).map((n) => ({ href: n.href, id: n.id, name: n.name, primary_ip: n.primary_ip, resource_type: n.resource_type, subnet: n.subnet }));
    const atts = this.topo.attachmentsOf(i.id).map((a) => this.attachmentRef(a));
    const p = profileFigures(i.profile);
    const boot = this.topo.bootVolume(i.id);
    const bootAttachment = {
      device: { id: `${boot.attachment.id.slice(5)}-${boot.volume.id.slice(-5)}` },
      href: `${this.refs.base}/v1/instances/${i.id}/volume_attachments/${boot.attachment.id}`,
      id: boot.attachment.id,
      name: boot.attachment.name,
      volume: { crn: crn(i.zone, this.topo.account, 'volume', boot.volume.id), href: `${this.refs.base}/v1/volumes/${boot.volume.id}`, id: boot.volume.id, name: boot.volume.name, resource_type: 'volume' },
    };
    return {
      availability: { class: 'standard' },
      availability_policy: { host_failure: 'restart', preemption: 'stop' },
      bandwidth: p.bandwidth,
      boot_volume_attachment: bootAttachment,
      cluster_network_attachments: [],
      confidential_compute_mode: 'disabled',
      created_at: i.createdAt,
      crn: i.crn,
      disks: [],
      enable_secure_boot: false,
      health_reasons: [],
      health_state: 'ok',
      href: `${this.refs.base}/v1/instances/${i.id}`,
      id: i.id,
      lifecycle_reasons: [],
      lifecycle_state: 'stable',
      memory: p.memory,
      metadata_service: { enabled: false, protocol: 'http', response_hop_limit: 1 },
      name: i.name,
      network_attachments: atts,
      network_interfaces: nics,
      ...(atts.length > 0 ? { primary_network_attachment: atts[0] } : {}),
      primary_network_interface: nics[0],
      profile: { href: `${this.refs.base}/v1/instance/profiles/${i.profile}`, name: i.profile, resource_type: 'instance_profile' },
      reservation_affinity: { policy: 'disabled', pool: [] },
      resource_group: this.refs.resourceGroup(i.resourceGroupId),
      resource_type: 'instance',
      startable: true,
      status: 'running',
      status_reasons: [],
      total_network_bandwidth: p.bandwidth - p.volume,
      total_volume_bandwidth: p.volume,
      vcpu: { architecture: p.architecture, count: p.vcpus, manufacturer: p.manufacturer, percentage: 100 },
      volume_attachments: [bootAttachment],
      volume_bandwidth_qos_mode: 'pooled',
      vpc: this.refs.vpc(i.vpcId),
      zone: this.refs.zone(i.zone),
    };
  }

  networkInterface(n: NetworkInterface) {
    const vpcId = this.topo.instance(n.instanceId)?.vpcId ?? '';
    return {
      allow_ip_spoofing: false,
      created_at: this.topo.instance(n.instanceId)?.createdAt,
      floating_ips: [],
      href: `${this.refs.base}/v1/instances/${n.instanceId}/network_interfaces/${n.id}`,
      id: n.id,
      name: n.name,
      port_speed: 1000,
      primary_ip: this.refs.ip(n.subnetId, n.primaryIp),
      resource_type: 'network_interface',
      security_groups: [this.refs.securityGroup(vpcId)],
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
      primary_ip: this.refs.ip(a.subnetId, vni?.primaryIp ?? ''),
      resource_type: 'instance_network_attachment',
      subnet: this.refs.subnet(a.subnetId),
      type: a.primary ? 'primary' : 'secondary',
      virtual_network_interface: this.refs.vni(a.vniId),
    };
  }

  vni(v: VirtualNetworkInterface) {
    const primaryIp = this.refs.ip(v.subnetId, v.primaryIp);
    return {
      allow_ip_spoofing: false,
      auto_delete: v.attachmentId !== undefined,
      created_at: v.createdAt,
      crn: v.crn,
      enable_infrastructure_nat: true,
      href: `${this.refs.base}/v1/virtual_network_interfaces/${v.id}`,
      id: v.id,
      ips: [primaryIp],
      lifecycle_state: 'stable',
      name: v.name,
      primary_ip: primaryIp,
      protocol_state_filtering_mode: 'auto',
      resource_group: this.refs.resourceGroup(v.resourceGroupId),
      resource_type: 'virtual_network_interface',
      security_groups: [this.refs.securityGroup(v.vpcId)],
      subnet: this.refs.subnet(v.subnetId),
      ...(v.attachmentId ? { target: this.refs.attachment(v.attachmentId) } : {}),
      vpc: this.refs.vpc(v.vpcId),
      zone: this.refs.zone(v.zone),
    };
  }
}
