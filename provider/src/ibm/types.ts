/**
 * The IBM Cloud shapes the provider works with, in camelCase. The VPC client maps the API's snake_case bodies to these
 * and back; nothing above provider/src/ibm sees wire JSON.
 */

/** How to reach IBM Cloud (or the emulator): the provider's resolved configuration. */
export interface IbmConnection {
  region: string;
  apiKey: string;
  /** VPC API base without `/v1`, e.g. `https://us-south.iaas.cloud.ibm.com`. */
  vpcEndpoint: string;
  /** IAM base, e.g. `https://iam.cloud.ibm.com` (the token path `/identity/token` is appended). */
  iamEndpoint: string;
  /** Global Tagging base, e.g. `https://tags.global-search-tagging.cloud.ibm.com`. */
  taggingEndpoint: string;
}

export type TargetType =
  | 'vpc'
  | 'subnet'
  | 'instance'
  | 'network_interface'
  | 'virtual_network_interface'
  | 'instance_network_attachment';

export type LifecycleState = 'deleting' | 'failed' | 'pending' | 'stable' | 'suspended' | 'updating' | 'waiting';

export interface CollectorTarget {
  id: string;
  /** Absent for network interfaces and instance network attachments, which have no CRN. */
  crn?: string;
  href: string;
  name: string;
  /** Inferred for instances, whose API reference carries no resource_type. */
  type: TargetType;
}

export interface Collector {
  id: string;
  crn: string;
  href: string;
  name: string;
  active: boolean;
  autoDelete: boolean;
  createdAt: string;
  lifecycleState: LifecycleState;
  resourceGroup: { id: string; name: string };
  storageBucket: string;
  target: CollectorTarget;
  vpc: { id: string; crn: string; name: string };
}

export interface CollectorPrototype {
  /** A target by id or by CRN. */
  target: { id: string } | { crn: string };
  storageBucket: string;
  name?: string;
  active?: boolean;
  resourceGroupId?: string;
}

export interface CollectorPatch {
  name?: string;
  active?: boolean;
}

/** The list API's filters, named as the API names them. */
export interface CollectorFilters {
  'resource_group.id'?: string;
  name?: string;
  'vpc.id'?: string;
  'vpc.crn'?: string;
  'vpc.name'?: string;
  'target.id'?: string;
  'target.resource_type'?: TargetType;
}

/** A VPC's network, as the precedence simulator and coverage need it. */
export interface VpcTopology {
  vpc: { id: string; crn: string; name: string };
  subnets: Array<{ id: string; crn: string; name: string }>;
  instances: Array<{ id: string; crn: string; name: string }>;
  /** Legacy network interfaces and instance network attachments: the units flow logs are written for. */
  interfaces: Array<{
    id: string;
    name: string;
    kind: 'network_interface' | 'instance_network_attachment';
    instanceId: string;
    subnetId: string;
    /** The virtual network interface behind an attachment. */
    vniId?: string;
  }>;
  virtualNetworkInterfaces: Array<{ id: string; crn: string; name: string; subnetId: string; attachmentId?: string }>;
}

/** A VPC as the topology reads return it. */
export interface VpcInfo {
  id: string;
  crn: string;
  name: string;
  href: string;
  resourceGroup?: { id: string; name: string };
}

export interface SubnetInfo {
  id: string;
  crn: string;
  name: string;
  href: string;
  vpcId: string;
  zone?: string;
  cidr?: string;
}

/** An instance with its legacy network interfaces and its network attachments (ids, names, subnets). */
export interface InstanceInfo {
  id: string;
  crn: string;
  name: string;
  href: string;
  vpcId: string;
  zone?: string;
  /**
   * Legacy network interfaces. An instance on network attachments also lists each attachment here, read-only, with
   * the attachment's id, as IBM does.
   */
  networkInterfaces: Array<{ id: string; name: string; subnetId: string; primaryIp?: string }>;
  networkAttachments: Array<{ id: string; name: string; subnetId?: string; vniId?: string }>;
}

export interface VirtualNetworkInterfaceInfo {
  id: string;
  crn: string;
  name: string;
  href: string;
  subnetId: string;
  vpcId?: string;
  /** The instance network attachment the VNI serves, when it is attached to one. */
  attachmentId?: string;
}

/** What an id or CRN names, found by `VpcClient.resolveTarget`. */
export interface ResolvedTarget {
  type: TargetType;
  id: string;
  vpcId: string;
  name: string;
  crn?: string;
}

/** Options every client call takes: an AbortSignal stops the request and any retry wait at once. */
export interface CallOptions {
  signal?: AbortSignal;
}
