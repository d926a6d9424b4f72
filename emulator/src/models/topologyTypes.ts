/** The normalized topology the emulator serves read-only: plain, serializable data (persisted as is). */
export interface ResourceGroup {
  id: string;
  name: string;
  isDefault: boolean;
}

interface Located {
  id: string;
  name: string;
  createdAt: string;
  resourceGroupId: string;
}

export interface Vpc extends Located {
  crn: string;
}

export interface Subnet extends Located {
  crn: string;
  vpcId: string;
  zone: string;
  cidr: string;
}

export interface Instance extends Located {
  crn: string;
  vpcId: string;
  zone: string;
  profile: string;
  /** Legacy network interfaces, or network attachments (each with its virtual network interface). */
  interfaceModel: 'network_interface' | 'network_attachment';
}

export interface NetworkInterface {
  id: string;
  name: string;
  instanceId: string;
  subnetId: string;
  primaryIp: string;
  primary: boolean;
}

export interface NetworkAttachment {
  id: string;
  name: string;
  instanceId: string;
  subnetId: string;
  vniId: string;
  primary: boolean;
}

export interface VirtualNetworkInterface extends Located {
  crn: string;
  vpcId: string;
  subnetId: string;
  zone: string;
  primaryIp: string;
  /** The instance network attachment it is attached to; absent when unattached. */
  attachmentId?: string;
}

export interface BucketSeed {
  name: string;
  authorized: boolean;
  /** A COS provisioning code (`us-south-smart`, `us-standard`); absent: `<region>-standard`. */
  location?: string;
}

export interface Topology {
  region: string;
  account: string;
  resourceGroups: ResourceGroup[];
  vpcs: Vpc[];
  subnets: Subnet[];
  instances: Instance[];
  networkInterfaces: NetworkInterface[];
  networkAttachments: NetworkAttachment[];
  virtualNetworkInterfaces: VirtualNetworkInterface[];
  buckets: BucketSeed[];
}

/** The kinds a flow log collector can target, named as the API's `target.resource_type` filter names them. */
export type TargetType =
  | 'vpc'
  | 'subnet'
  | 'instance'
  | 'network_interface'
  | 'virtual_network_interface'
  | 'instance_network_attachment';

export const TARGET_TYPES: readonly TargetType[] = [
  'vpc',
  'subnet',
  'instance',
  'network_interface',
  'virtual_network_interface',
  'instance_network_attachment',
];
