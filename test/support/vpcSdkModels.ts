/**
 * The response models of IBM's VPC Node SDK (`ibm-vpc` 0.30.1, IBM/vpc-node-sdk commit bdec95a, API version
 * 2026-03-24, `dist/vpc/v1.d.ts`), one line per model: the required
 * fields with their types, then the names of the optional ones. That SDK is not served by the npm registry here, so
 * the table is kept verbatim and parsed; {@link checkModel} holds a response against it.
 */
export const SDK_MODEL_LINES = `
- **VPCCollection**: first:PageLink, limit:number, total_count:number, vpcs:VPC[]; optional: next
- **SubnetCollection**: first:PageLink, limit:number, subnets:Subnet[], total_count:number; optional: next
- **InstanceCollection**: first:PageLink, instances:Instance[], limit:number, total_count:number; optional: next
- **NetworkInterfaceUnpaginatedCollection**: network_interfaces:NetworkInterface[]
- **InstanceNetworkAttachmentCollection**: network_attachments:InstanceNetworkAttachment[]
- **VirtualNetworkInterfaceCollection**: first:PageLink, limit:number, total_count:number, virtual_network_interfaces:VirtualNetworkInterface[]; optional: next
- **FlowLogCollectorCollection**: first:PageLink, flow_log_collectors:FlowLogCollector[], limit:number, total_count:number; optional: next
- **PageLink**: href:string
- **VPC**: classic_access:boolean, created_at:string, crn:string, cse_source_ips:VPCCSESourceIP[], default_network_acl:NetworkACLReference, default_routing_table:RoutingTableReference, default_security_group:SecurityGroupReference, dns:VPCDNS, health_reasons:VPCHealthReason[], health_state:enum(degraded|faulted|inapplicable|ok), href:string, id:string, name:string, public_address_ranges:PublicAddressRangeReference[], resource_group:ResourceGroupReference, resource_type:enum(vpc), status:enum(available|deleting|failed|pending)
- **Subnet**: available_ipv4_address_count:number, created_at:string, crn:string, href:string, id:string, ip_version:enum(ipv4), ipv4_cidr_block:string, name:string, network_acl:NetworkACLReference, resource_group:ResourceGroupReference, resource_type:enum(subnet), routing_table:RoutingTableReference, status:enum(available|deleting|failed|pending), total_ipv4_address_count:number, vpc:VPCReference, zone:ZoneReference; optional: public_gateway
- **Instance**: availability:InstanceAvailability, availability_policy:InstanceAvailabilityPolicy, bandwidth:number, boot_volume_attachment:VolumeAttachmentReferenceInstanceContext, cluster_network_attachments:InstanceClusterNetworkAttachmentReference[], confidential_compute_mode:enum(disabled|sgx|tdx), created_at:string, crn:string, disks:InstanceDisk[], enable_secure_boot:boolean, health_reasons:InstanceHealthReason[], health_state:enum(degraded|faulted|inapplicable|ok), href:string, id:string, lifecycle_reasons:InstanceLifecycleReason[], lifecycle_state:enum(deleting|failed|pending|stable|suspended|updating|waiting), memory:number, metadata_service:InstanceMetadataService, name:string, network_attachments:InstanceNetworkAttachmentReference[], network_interfaces:NetworkInterfaceInstanceContextReference[], primary_network_interface:NetworkInterfaceInstanceContextReference, profile:InstanceProfileReference, reservation_affinity:InstanceReservationAffinity, resource_group:ResourceGroupReference, resource_type:enum(instance), startable:boolean, status:enum(deleting|failed|pending|restarting|running|starting|stopped|stopping), status_reasons:InstanceStatusReason[], total_network_bandwidth:number, total_volume_bandwidth:number, vcpu:InstanceVCPU, volume_attachments:VolumeAttachmentReferenceInstanceContext[], volume_bandwidth_qos_mode:enum(pooled|weighted), vpc:VPCReference, zone:ZoneReference; optional: catalog_offering, cluster_network, dedicated_host, gpu, image, instance_group_membership, numa_count, placement_target, primary_network_attachment, reservation
- **NetworkInterface**: allow_ip_spoofing:boolean, created_at:string, floating_ips:FloatingIPReference[], href:string, id:string, name:string, port_speed:number, primary_ip:ReservedIPReference, resource_type:enum(network_interface), security_groups:SecurityGroupReference[], status:enum(available|deleting|failed|pending), subnet:SubnetReference, type:enum(primary|secondary)
- **InstanceNetworkAttachment**: created_at:string, href:string, id:string, lifecycle_state:enum(deleting|failed|pending|stable|suspended|updating|waiting), name:string, port_speed:number, primary_ip:ReservedIPReference, resource_type:enum(instance_network_attachment), subnet:SubnetReference, type:enum(primary|secondary), virtual_network_interface:VirtualNetworkInterfaceReferenceAttachmentContext
- **VirtualNetworkInterface**: allow_ip_spoofing:boolean, auto_delete:boolean, created_at:string, crn:string, enable_infrastructure_nat:boolean, href:string, id:string, ips:ReservedIPReference[], lifecycle_state:enum(deleting|failed|pending|stable|suspended|updating|waiting), name:string, primary_ip:ReservedIPReference, protocol_state_filtering_mode:enum(auto|disabled|enabled), resource_group:ResourceGroupReference, resource_type:enum(virtual_network_interface), security_groups:SecurityGroupReference[], subnet:SubnetReference, vpc:VPCReference, zone:ZoneReference; optional: mac_address, target
- **FlowLogCollector**: active:boolean, auto_delete:boolean, created_at:string, crn:string, href:string, id:string, lifecycle_state:enum(deleting|failed|pending|stable|suspended|updating|waiting), name:string, resource_group:ResourceGroupReference, storage_bucket:LegacyCloudObjectStorageBucketReference, target:FlowLogCollectorTarget, vpc:VPCReference
- **VPCCSESourceIP**: ip:IP, zone:ZoneReference
- **NetworkACLReference**: crn:string, href:string, id:string, name:string; optional: deleted
- **RoutingTableReference**: crn:string, href:string, id:string, name:string, resource_type:enum(routing_table); optional: deleted
- **SecurityGroupReference**: crn:string, href:string, id:string, name:string; optional: deleted
- **VPCDNS**: enable_hub:boolean, resolution_binding_count:number, resolver:VPCDNSResolver
- **VPCHealthReason**: code:enum(dns_resolution_binding_failed|internal_error), message:string; optional: more_info
- **PublicAddressRangeReference**: crn:string, href:string, id:string, name:string, resource_type:enum(public_address_range); optional: deleted
- **ResourceGroupReference**: href:string, id:string, name:string
- **VPCReference**: crn:string, href:string, id:string, name:string, resource_type:enum(vpc); optional: deleted
- **ZoneReference**: href:string, name:string
- **PublicGatewayReference**: crn:string, href:string, id:string, name:string, resource_type:enum(public_gateway); optional: deleted
- **InstanceAvailability**: class:enum(spot|standard)
- **InstanceAvailabilityPolicy**: host_failure:enum(restart|stop), preemption:enum(delete|stop)
- **VolumeAttachmentReferenceInstanceContext**: href:string, id:string, name:string; optional: deleted, device, volume
- **InstanceClusterNetworkAttachmentReference**: href:string, id:string, name:string, resource_type:enum(instance_cluster_network_attachment)
- **InstanceDisk**: created_at:string, href:string, id:string, interface_type:enum(nvme|virtio_blk), name:string, resource_type:enum(instance_disk), size:number
- **InstanceHealthReason**: code:enum(reservation_capacity_unavailable|reservation_deleted|reservation_expired|reservation_failed), message:string; optional: more_info
- **InstanceLifecycleReason**: code:enum(failed_registration|internal_error|pending_registration|resource_suspended_by_provider), message:string; optional: more_info
- **InstanceMetadataService**: enabled:boolean, protocol:enum(http|https), response_hop_limit:number
- **InstanceNetworkAttachmentReference**: href:string, id:string, name:string, primary_ip:ReservedIPReference, resource_type:enum(instance_network_attachment), subnet:SubnetReference, virtual_network_interface:VirtualNetworkInterfaceReferenceAttachmentContext; optional: deleted
- **NetworkInterfaceInstanceContextReference**: href:string, id:string, name:string, primary_ip:ReservedIPReference, resource_type:enum(network_interface), subnet:SubnetReference; optional: deleted
- **InstanceProfileReference**: href:string, name:string, resource_type:enum(instance_profile)
- **InstanceReservationAffinity**: policy:enum(automatic|disabled|manual), pool:ReservationReference[]
- **InstanceStatusReason**: code:enum(cannot_start|cannot_start_capacity|cannot_start_compute|cannot_start_ip_address|cannot_start_network|cannot_start_placement_group|cannot_start_reservation_capacity|cannot_start_reservation_expired|cannot_start_storage|encryption_key_deleted|stopped_by_host_failure|stopped_by_preemption|stopped_for_image_creation), message:string; optional: more_info
- **InstanceVCPU**: architecture:enum(amd64|s390x), count:number, manufacturer:enum(amd|ibm|intel|unassigned), percentage:number; optional: burst
- **InstanceCatalogOffering**: version:CatalogOfferingVersionReference; optional: plan
- **ClusterNetworkReference**: crn:string, href:string, id:string, name:string, resource_type:enum(cluster_network); optional: deleted
- **DedicatedHostReference**: crn:string, href:string, id:string, name:string, resource_type:enum(dedicated_host); optional: deleted
- **InstanceGPU**: count:number, manufacturer:enum(amd|intel|nvidia), memory:number, model:string
- **ImageReference**: crn:string, href:string, id:string, name:string, resource_type:enum(image); optional: deleted, remote
- **InstanceGroupMembershipReferenceInstanceContext**: href:string, id:string, instance_group:InstanceGroupReference, name:string; optional: deleted
- **InstancePlacementTargetDedicatedHostGroupReference** (a variant of InstancePlacementTarget): crn:string, href:string, id:string, name:string, resource_type:enum(dedicated_host_group); optional: deleted
- **InstancePlacementTargetDedicatedHostReference** (a variant of InstancePlacementTarget): crn:string, href:string, id:string, name:string, resource_type:enum(dedicated_host); optional: deleted
- **InstancePlacementTargetPlacementGroupReference** (a variant of InstancePlacementTarget): crn:string, href:string, id:string, name:string, resource_type:enum(placement_group); optional: deleted
- **ReservationReference**: crn:string, href:string, id:string, name:string, resource_type:enum(reservation); optional: deleted
- **FloatingIPReference**: address:string, crn:string, href:string, id:string, name:string; optional: deleted
- **ReservedIPReference**: address:string, href:string, id:string, name:string, resource_type:enum(subnet_reserved_ip); optional: deleted
- **SubnetReference**: crn:string, href:string, id:string, name:string, resource_type:enum(subnet); optional: deleted
- **VirtualNetworkInterfaceReferenceAttachmentContext**: crn:string, href:string, id:string, name:string, resource_type:enum(virtual_network_interface)
- **VirtualNetworkInterfaceTargetBareMetalServerNetworkAttachmentReferenceVirtualNetworkInterfaceContext** (a variant of VirtualNetworkInterfaceTarget): href:string, id:string, name:string, resource_type:enum(bare_metal_server_network_attachment)
- **VirtualNetworkInterfaceTargetInstanceNetworkAttachmentReferenceVirtualNetworkInterfaceContext** (a variant of VirtualNetworkInterfaceTarget): href:string, id:string, name:string, resource_type:enum(instance_network_attachment)
- **VirtualNetworkInterfaceTargetShareMountTargetReference** (a variant of VirtualNetworkInterfaceTarget): href:string, id:string, name:string, resource_type:enum(share_mount_target); optional: deleted
- **LegacyCloudObjectStorageBucketReference**: name:string
- **FlowLogCollectorTargetInstanceNetworkAttachmentReferenceFlowLogCollectorContext** (a variant of FlowLogCollectorTarget): href:string, id:string, name:string, resource_type:enum(instance_network_attachment); optional: deleted
- **FlowLogCollectorTargetInstanceReference** (a variant of FlowLogCollectorTarget): crn:string, href:string, id:string, name:string; optional: deleted
- **FlowLogCollectorTargetNetworkInterfaceReferenceTargetContext** (a variant of FlowLogCollectorTarget): href:string, id:string, name:string, resource_type:enum(network_interface); optional: deleted
- **FlowLogCollectorTargetSubnetReference** (a variant of FlowLogCollectorTarget): crn:string, href:string, id:string, name:string, resource_type:enum(subnet); optional: deleted
- **FlowLogCollectorTargetVPCReference** (a variant of FlowLogCollectorTarget): crn:string, href:string, id:string, name:string, resource_type:enum(vpc); optional: deleted
- **FlowLogCollectorTargetVirtualNetworkInterfaceReferenceAttachmentContext** (a variant of FlowLogCollectorTarget): crn:string, href:string, id:string, name:string, resource_type:enum(virtual_network_interface)
- **IP**: address:string
- **Deleted**: more_info:string
- **VPCDNSResolverTypeDelegated** (a variant of VPCDNSResolver): type:enum(delegated), vpc:VPCReferenceDNSResolverContext, servers:DNSServer[]
- **VPCDNSResolverTypeManual** (a variant of VPCDNSResolver): manual_servers:DNSServer[], type:enum(manual), servers:DNSServer[]
- **VPCDNSResolverTypeSystem** (a variant of VPCDNSResolver): configuration:enum(custom_resolver|default|private_resolver), type:enum(system), servers:DNSServer[]
- **VolumeAttachmentDevice**: id:string
- **VolumeReferenceVolumeAttachmentContext**: crn:string, href:string, id:string, name:string, resource_type:enum(volume); optional: deleted
- **InstanceVCPUBurst**: limit:number
- **CatalogOfferingVersionReference**: crn:string
- **CatalogOfferingVersionPlanReference**: crn:string; optional: deleted
- **ImageRemoteContextImageReference**: ; optional: account, region
- **InstanceGroupReference**: crn:string, href:string, id:string, name:string; optional: deleted
- **VPCReferenceDNSResolverContext**: crn:string, href:string, id:string, name:string, resource_type:enum(vpc); optional: deleted, remote
- **DNSServer**: address:string; optional: zone_affinity
- **AccountReference**: id:string, resource_type:enum(account)
- **RegionReference**: href:string, name:string
- **VPCRemote**: ; optional: account, region
`;

export type FieldType =
  | { kind: 'string' | 'number' | 'boolean' }
  | { kind: 'enum'; values: string[] }
  | { kind: 'model'; name: string }
  | { kind: 'array'; of: FieldType };

export interface ModelSpec {
  name: string;
  /** The polymorphic model this one is a variant of (`FlowLogCollectorTarget`), when the line says so. */
  variantOf?: string;
  required: Record<string, FieldType>;
  optional: string[];
}

function parseType(text: string): FieldType {
  if (text.endsWith('[]')) return { kind: 'array', of: parseType(text.slice(0, -2)) };
  const e = /^enum\((.*)\)$/.exec(text);
  if (e) return { kind: 'enum', values: e[1].split('|') };
  if (text === 'string' || text === 'number' || text === 'boolean') return { kind: text };
  return { kind: 'model', name: text };
}

export function parseModels(text: string): Map<string, ModelSpec> {
  const models = new Map<string, ModelSpec>();
  for (const line of text.split('\n')) {
    const m = /^- \*\*(\w+)\*\*(?: \(a variant of (\w+)\))?: ?(.*)$/.exec(line.trim());
    if (!m) continue;
    const [requiredText, optionalText] = m[3].split(/;? ?optional: /);
    const required: Record<string, FieldType> = {};
    for (const field of requiredText.split(', ').filter((f) => f !== '')) {
      const at = field.indexOf(':');
      required[field.slice(0, at)] = parseType(field.slice(at + 1));
    }
    models.set(m[1], { name: m[1], ...(m[2] ? { variantOf: m[2] } : {}), required, optional: optionalText ? optionalText.split(', ') : [] });
  }
  return models;
}

export const SDK_MODELS = parseModels(SDK_MODEL_LINES);

/**
 * The types of the optional fields the emulator sends, which the table names but does not type (from the same SDK:
 * `next` is a PageLink, `primary_network_attachment` an InstanceNetworkAttachmentReference, …). A present optional
 * field is held against its model too.
 */
export const OPTIONAL_FIELD_TYPES: Record<string, Record<string, FieldType>> = {
  VPCCollection: { next: { kind: 'model', name: 'PageLink' } },
  SubnetCollection: { next: { kind: 'model', name: 'PageLink' } },
  InstanceCollection: { next: { kind: 'model', name: 'PageLink' } },
  VirtualNetworkInterfaceCollection: { next: { kind: 'model', name: 'PageLink' } },
  FlowLogCollectorCollection: { next: { kind: 'model', name: 'PageLink' } },
  Instance: { primary_network_attachment: { kind: 'model', name: 'InstanceNetworkAttachmentReference' } },
  VirtualNetworkInterface: { target: { kind: 'model', name: 'VirtualNetworkInterfaceTarget' }, mac_address: { kind: 'string' } },
  VolumeAttachmentReferenceInstanceContext: {
    device: { kind: 'model', name: 'VolumeAttachmentDevice' },
    volume: { kind: 'model', name: 'VolumeReferenceVolumeAttachmentContext' },
  },
};

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

/** The variants of a polymorphic model, and the field that tells them apart (`resource_type`, or `type`). */
function variantsOf(name: string): ModelSpec[] {
  return [...SDK_MODELS.values()].filter((m) => m.variantOf === name);
}

export interface ModelCheck {
  /** Every problem, as `path: what is wrong`. */
  problems: string[];
  /** Every model a value was held against, variants included. */
  visited: Set<string>;
  /** How many required fields were found present and of the right type. */
  fieldsChecked: number;
}

/**
 * Holds `value` against model `name`: every required field present with its type (enums: one of the declared
 * values), nested models and arrays of them recursively, and present optional fields whose type is known. A
 * polymorphic model is matched to the variant its discriminator (`resource_type`, else `type`) names; a reference
 * without a `resource_type` matches the variants that declare none (IBM's InstanceReference).
 */
export function checkModel(name: string, value: unknown, path = name, result: ModelCheck = { problems: [], visited: new Set(), fieldsChecked: 0 }): ModelCheck {
  const variants = variantsOf(name);
  if (variants.length > 0) {
    const o = (value ?? {}) as Record<string, unknown>;
    const key = variants.some((v) => 'resource_type' in v.required) ? 'resource_type' : 'type';
    const fitting = variants.filter((v) => {
      const t = v.required[key];
      if (o[key] === undefined) return t === undefined;
      return t?.kind === 'enum' && t.values.includes(String(o[key]));
    });
    if (fitting.length === 0) {
      result.problems.push(`${path}: ${key} ${JSON.stringify(o[key] ?? null)} matches no variant of ${name} (${variants.map((v) => v.name).join(', ')})`);
      return result;
    }
    // Several variants may fit (two references without resource_type): the value must satisfy one of them.
    const attempts = fitting.map((v) => checkModel(v.name, value, path, { problems: [], visited: new Set(), fieldsChecked: 0 }));
    const best = attempts.find((a) => a.problems.length === 0) ?? attempts[0];
    result.problems.push(...best.problems);
    best.visited.forEach((m) => result.visited.add(m));
    result.visited.add(name);
    result.fieldsChecked += best.fieldsChecked;
    return result;
  }
  const model = SDK_MODELS.get(name);
  if (!model) {
    result.problems.push(`${path}: model ${name} is not in the table`);
    return result;
  }
  result.visited.add(name);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    result.problems.push(`${path}: expected a ${name} object, received ${describe(value)}`);
    return result;
  }
  const o = value as Record<string, unknown>;
  for (const [field, type] of Object.entries(model.required)) {
    if (!(field in o) || o[field] === undefined) result.problems.push(`${path}.${field}: missing (required by ${name})`);
    else if (checkValue(type, o[field], `${path}.${field}`, result)) result.fieldsChecked += 1;
  }
  for (const [field, type] of Object.entries(OPTIONAL_FIELD_TYPES[name] ?? {})) {
    if (o[field] !== undefined) checkValue(type, o[field], `${path}.${field}`, result);
  }
  return result;
}

function checkValue(type: FieldType, value: unknown, path: string, result: ModelCheck): boolean {
  switch (type.kind) {
    case 'string':
    case 'number':
    case 'boolean':
      if (typeof value !== type.kind || (type.kind === 'number' && !Number.isFinite(value))) {
        result.problems.push(`${path}: expected a ${type.kind}, received ${describe(value)} ${JSON.stringify(value)?.slice(0, 40)}`);
        return false;
      }
      return true;
    case 'enum':
      if (typeof value !== 'string' || !type.values.includes(value)) {
        result.problems.push(`${path}: ${JSON.stringify(value)?.slice(0, 40)} is not one of ${type.values.join(', ')}`);
        return false;
      }
      return true;
    case 'array':
      if (!Array.isArray(value)) {
        result.problems.push(`${path}: expected an array, received ${describe(value)}`);
        return false;
      }
      value.forEach((item, i) => checkValue(type.of, item, `${path}[${i}]`, result));
      return true;
    case 'model': {
      const before = result.problems.length;
      checkModel(type.name, value, path, result);
      return result.problems.length === before;
    }
  }
}
