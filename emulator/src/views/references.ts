import { crn } from '../models/ids';
import type { TargetRef, TopologyModel } from '../models/topology';

/** IBM's reference objects: the short form a resource takes inside another one. */
export class References {
  constructor(readonly base: string, readonly topo: TopologyModel) {}

  zone(name: string) {
    return { href: `${this.base}/v1/regions/${this.topo.region}/zones/${name}`, name };
  }

  resourceGroup(id: string) {
    const group = this.topo.resourceGroup(id);
    return { href: `https://resource-controller.cloud.ibm.com/v2/resource_groups/${id}`, id, name: group?.name ?? '' };
  }

  vpc(id: string) {
    const v = this.topo.vpc(id);
    return { crn: v?.crn ?? '', href: `${this.base}/v1/vpcs/${id}`, id, name: v?.name ?? '', resource_type: 'vpc' };
  }

  subnet(id: string) {
    const s = this.topo.subnet(id);
    return { crn: s?.crn ?? '', href: `${this.base}/v1/subnets/${id}`, id, name: s?.name ?? '', resource_type: 'subnet' };
  }

  /** The SDK's InstanceReference has no resource_type. */
  instance(id: string) {
    const i = this.topo.instance(id);
    return { crn: i?.crn ?? '', href: `${this.base}/v1/instances/${id}`, id, name: i?.name ?? '' };
  }

  networkInterface(id: string) {
    const n = this.topo.networkInterface(id) ?? this.topo.attachment(id);
    return { href: `${this.base}/v1/instances/${n?.instanceId}/network_interfaces/${id}`, id, name: n?.name ?? '', resource_type: 'network_interface' };
  }

  attachment(id: string) {
    const a = this.topo.attachment(id);
    return { href: `${this.base}/v1/instances/${a?.instanceId}/network_attachments/${id}`, id, name: a?.name ?? '', resource_type: 'instance_network_attachment' };
  }

  vni(id: string) {
    const v = this.topo.vni(id);
    return { crn: v?.crn ?? '', href: `${this.base}/v1/virtual_network_interfaces/${id}`, id, name: v?.name ?? '', resource_type: 'virtual_network_interface' };
  }

  target(t: TargetRef) {
    switch (t.type) {
      case 'vpc':
        return this.vpc(t.id);
      case 'subnet':
        return this.subnet(t.id);
      case 'instance':
        return this.instance(t.id);
      case 'network_interface':
        return this.networkInterface(t.id);
      case 'instance_network_attachment':
        return this.attachment(t.id);
      case 'virtual_network_interface':
        return this.vni(t.id);
    }
  }

  /** ReservedIPReference: the reserved IP a subnet holds for an interface's address. */
  ip(subnetId: string, address: string) {
    const r = this.topo.reservedIp(subnetId, address);
    return { address, href: `${this.base}/v1/subnets/${subnetId}/reserved_ips/${r.id}`, id: r.id, name: r.name, resource_type: 'subnet_reserved_ip' };
  }

  /** A VPC's default network ACL (NetworkACLReference: no resource_type in IBM's model). */
  networkAcl(vpcId: string) {
    const acl = this.topo.vpcDefaults(vpcId).networkAcl;
    return { crn: this.crn('network-acl', acl.id), href: `${this.base}/v1/network_acls/${acl.id}`, id: acl.id, name: acl.name };
  }

  /** A VPC's default security group (SecurityGroupReference: no resource_type either). */
  securityGroup(vpcId: string) {
    const sg = this.topo.vpcDefaults(vpcId).securityGroup;
    return { crn: this.crn('security-group', sg.id), href: `${this.base}/v1/security_groups/${sg.id}`, id: sg.id, name: sg.name };
  }

  /** A VPC's default routing table; its CRN names the VPC too, as IBM's do (`vpc-routing-table:<vpc>/<table>`). */
  routingTable(vpcId: string) {
    const rt = this.topo.vpcDefaults(vpcId).routingTable;
    return { crn: this.crn('vpc-routing-table', `${vpcId}/${rt.id}`), href: `${this.base}/v1/vpcs/${vpcId}/routing_tables/${rt.id}`, id: rt.id, name: rt.name, resource_type: 'routing_table' };
  }

  private crn(type: string, id: string) {
    return crn(this.topo.region, this.topo.account, type, id);
  }
}
