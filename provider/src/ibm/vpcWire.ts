import type {
  Collector,
  CollectorPatch,
  CollectorPrototype,
  CollectorTarget,
  InstanceInfo,
  LifecycleState,
  SubnetInfo,
  TargetType,
  VirtualNetworkInterfaceInfo,
  VpcInfo,
} from './types';

/**
 * The VPC API's JSON (snake_case, as IBM's SDK models name it) to the types of types.ts and back. Nothing outside
 * provider/src/ibm sees wire JSON. A body that lacks a required field throws WireProblem, which the client reports
 * as IbmResponseError.
 */

export class WireProblem extends Error {}

type Json = Record<string, unknown>;

function obj(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new WireProblem(`${where} is not an object`);
  return value as Json;
}

function str(o: Json, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new WireProblem(`${where}.${key} is missing or not a string`);
  return v;
}

const optStr = (o: Json | undefined, key: string): string | undefined => (typeof o?.[key] === 'string' ? (o[key] as string) : undefined);

function bool(o: Json, key: string, where: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') throw new WireProblem(`${where}.${key} is missing or not a boolean`);
  return v;
}

const LIFECYCLE: ReadonlySet<string> = new Set(['deleting', 'failed', 'pending', 'stable', 'suspended', 'updating', 'waiting']);
const TARGET_TYPES: ReadonlySet<string> = new Set(['vpc', 'subnet', 'instance', 'network_interface', 'virtual_network_interface', 'instance_network_attachment']);

/**
 * A target reference's type. IBM's InstanceReference carries no `resource_type`: an instance is
 * recognised by `::instance:` in its CRN, or else by an href ending in `/instances/<id>`.
 */
export function targetTypeOf(t: Json): TargetType {
  const rt = optStr(t, 'resource_type');
  if (rt && TARGET_TYPES.has(rt)) return rt as TargetType;
  const crn = optStr(t, 'crn');
  if (crn?.includes('::instance:')) return 'instance';
  const href = optStr(t, 'href');
  if (href && /\/instances\/[^/]+$/.test(new URL(href, 'http://x').pathname)) return 'instance';
  throw new WireProblem(`target has no resource_type this client knows (${JSON.stringify(rt ?? null)}) and is not an instance`);
}

export function collectorFromWire(value: unknown): Collector {
  const c = obj(value, 'flow log collector');
  const where = `flow log collector ${typeof c.id === 'string' ? c.id : ''}`.trim();
  const t = obj(c.target, `${where}.target`);
  const target: CollectorTarget = {
    id: str(t, 'id', `${where}.target`),
    href: optStr(t, 'href') ?? '',
    name: optStr(t, 'name') ?? '',
    type: targetTypeOf(t),
  };
  const targetCrn = optStr(t, 'crn');
  if (targetCrn) target.crn = targetCrn;
  const state = str(c, 'lifecycle_state', where);
  if (!LIFECYCLE.has(state)) throw new WireProblem(`${where}.lifecycle_state "${state}" is not one of ${[...LIFECYCLE].join(', ')}`);
  const rg = obj(c.resource_group, `${where}.resource_group`);
  const bucket = obj(c.storage_bucket, `${where}.storage_bucket`);
  const vpc = obj(c.vpc, `${where}.vpc`);
  return {
    id: str(c, 'id', where),
    crn: str(c, 'crn', where),
    href: str(c, 'href', where),
    name: str(c, 'name', where),
    active: bool(c, 'active', where),
    autoDelete: typeof c.auto_delete === 'boolean' ? c.auto_delete : true,
    createdAt: str(c, 'created_at', where),
    lifecycleState: state as LifecycleState,
    resourceGroup: { id: str(rg, 'id', `${where}.resource_group`), name: optStr(rg, 'name') ?? '' },
    storageBucket: str(bucket, 'name', `${where}.storage_bucket`),
    target,
    vpc: { id: str(vpc, 'id', `${where}.vpc`), crn: optStr(vpc, 'crn') ?? '', name: optStr(vpc, 'name') ?? '' },
  };
}

export function prototypeToWire(proto: CollectorPrototype): Json {
  const body: Json = {
    target: 'crn' in proto.target ? { crn: proto.target.crn } : { id: proto.target.id },
    storage_bucket: { name: proto.storageBucket },
  };
  if (proto.name !== undefined) body.name = proto.name;
  if (proto.active !== undefined) body.active = proto.active;
  if (proto.resourceGroupId !== undefined) body.resource_group = { id: proto.resourceGroupId };
  return body;
}

/** A merge patch: only the fields given. */
export function patchToWire(patch: CollectorPatch): Json {
  const body: Json = {};
  if (patch.name !== undefined) body.name = patch.name;
  if (patch.active !== undefined) body.active = patch.active;
  return body;
}

export function vpcFromWire(value: unknown): VpcInfo {
  const v = obj(value, 'vpc');
  const rg = v.resource_group && typeof v.resource_group === 'object' ? (v.resource_group as Json) : undefined;
  return {
    id: str(v, 'id', 'vpc'),
    crn: str(v, 'crn', 'vpc'),
    name: str(v, 'name', 'vpc'),
    href: optStr(v, 'href') ?? '',
    ...(rg && typeof rg.id === 'string' ? { resourceGroup: { id: rg.id, name: optStr(rg, 'name') ?? '' } } : {}),
  };
}

export function subnetFromWire(value: unknown): SubnetInfo {
  const s = obj(value, 'subnet');
  const where = `subnet ${optStr(s, 'id') ?? ''}`.trim();
  const out: SubnetInfo = {
    id: str(s, 'id', where),
    crn: str(s, 'crn', where),
    name: str(s, 'name', where),
    href: optStr(s, 'href') ?? '',
    vpcId: str(obj(s.vpc, `${where}.vpc`), 'id', `${where}.vpc`),
  };
  const zone = optStr(s.zone as Json | undefined, 'name');
  if (zone) out.zone = zone;
  const cidr = optStr(s, 'ipv4_cidr_block');
  if (cidr) out.cidr = cidr;
  return out;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function instanceFromWire(value: unknown): InstanceInfo {
  const i = obj(value, 'instance');
  const where = `instance ${optStr(i, 'id') ?? ''}`.trim();
  const nics = list(i.network_interfaces).map((n, k) => {
    const nic = obj(n, `${where}.network_interfaces[${k}]`);
    const out: InstanceInfo['networkInterfaces'][number] = {
      id: str(nic, 'id', `${where}.network_interfaces[${k}]`),
      name: optStr(nic, 'name') ?? '',
      subnetId: str(obj(nic.subnet, `${where}.network_interfaces[${k}].subnet`), 'id', `${where}.network_interfaces[${k}].subnet`),
    };
    const ip = optStr(nic.primary_ip as Json | undefined, 'address');
    if (ip) out.primaryIp = ip;
    return out;
  });
  const attachments = list(i.network_attachments).map((a, k) => {
    const att = obj(a, `${where}.network_attachments[${k}]`);
    const out: InstanceInfo['networkAttachments'][number] = { id: str(att, 'id', `${where}.network_attachments[${k}]`), name: optStr(att, 'name') ?? '' };
    // IBM's InstanceNetworkAttachmentReference may carry the subnet and the VNI; fill them when present.
    const subnetId = optStr(att.subnet as Json | undefined, 'id');
    if (subnetId) out.subnetId = subnetId;
    const vniId = optStr(att.virtual_network_interface as Json | undefined, 'id');
    if (vniId) out.vniId = vniId;
    return out;
  });
  const out: InstanceInfo = {
    id: str(i, 'id', where),
    crn: str(i, 'crn', where),
    name: str(i, 'name', where),
    href: optStr(i, 'href') ?? '',
    vpcId: str(obj(i.vpc, `${where}.vpc`), 'id', `${where}.vpc`),
    networkInterfaces: nics,
    networkAttachments: attachments,
  };
  const zone = optStr(i.zone as Json | undefined, 'name');
  if (zone) out.zone = zone;
  return out;
}

export function vniFromWire(value: unknown): VirtualNetworkInterfaceInfo {
  const v = obj(value, 'virtual network interface');
  const where = `virtual network interface ${optStr(v, 'id') ?? ''}`.trim();
  const out: VirtualNetworkInterfaceInfo = {
    id: str(v, 'id', where),
    crn: str(v, 'crn', where),
    name: str(v, 'name', where),
    href: optStr(v, 'href') ?? '',
    subnetId: str(obj(v.subnet, `${where}.subnet`), 'id', `${where}.subnet`),
  };
  const vpcId = optStr(v.vpc as Json | undefined, 'id');
  if (vpcId) out.vpcId = vpcId;
  const target = v.target && typeof v.target === 'object' ? (v.target as Json) : undefined;
  // A VNI may also serve a bare-metal attachment or a share mount target; only instance attachments count here.
  if (target && optStr(target, 'resource_type') === 'instance_network_attachment' && typeof target.id === 'string') out.attachmentId = target.id;
  return out;
}

/** The `start` token of a collection's `next.href`, or undefined on the last page. */
export function nextStart(page: Json): string | undefined {
  const next = page.next as Json | undefined;
  const href = optStr(next, 'href');
  if (!href) return undefined;
  const start = new URL(href, 'http://x').searchParams.get('start');
  return start ?? undefined;
}
