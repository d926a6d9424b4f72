import { crn, hexId, regionalId, zonalId } from './ids';
import { parseLocationConstraint } from './cosLocations';
import type { BucketSeed, Topology } from './topologyTypes';

/**
 * Reads a topology file (format: emulator/README.md, "Topology files") into the normalized {@link Topology}.
 * Every problem is collected with its path, zod-style, so a user fixes a file in one go.
 */
export interface TopologyIssue {
  path: string;
  reason: string;
}

export type ParseResult = { ok: true; topology: Topology } | { ok: false; issues: TopologyIssue[] };

const NAME_RULE = /^([a-z]|[a-z][-a-z0-9]*[a-z0-9])$/;
const DEFAULT_CREATED_AT = '2026-01-05T09:00:00.000Z';

type Obj = Record<string, unknown>;

class Reader {
  readonly issues: TopologyIssue[] = [];

  problem(path: string, reason: string): void {
    this.issues.push({ path, reason });
  }

  object(value: unknown, path: string, allowed: string[]): Obj | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.problem(path || '(root)', `expected an object, received ${describe(value)}`);
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.problem(join(path, key), `unknown key; allowed: ${allowed.join(', ')}`);
    }
    return value as Obj;
  }

  array(value: unknown, path: string): unknown[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.problem(path, `expected an array, received ${describe(value)}`);
      return [];
    }
    return value;
  }

  string(value: unknown, path: string, required = true): string | undefined {
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value === '') {
      this.problem(path, `expected a non-empty string, received ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  name(value: unknown, path: string): string | undefined {
    const name = this.string(value, path);
    if (name !== undefined && (!NAME_RULE.test(name) || name.length > 63)) {
      this.problem(path, `"${name}" is not a valid IBM name: 1-63 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen`);
    }
    return name;
  }

  boolean(value: unknown, path: string): boolean | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') {
      this.problem(path, `expected a boolean, received ${describe(value)}`);
      return undefined;
    }
    return value;
  }
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/** `10.240.0.0/24` → the addresses handed out in order, skipping the four IBM reserves at the start. */
function addressAllocator(cidr: string): (() => string) | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits < 8 || bits > 29) return undefined;
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - bits);
  if (base % size !== 0) return undefined;
  let next = 4;
  return () => {
    const n = base + next;
    next = Math.min(next + 1, size - 2);
    return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
  };
}

export function parseTopology(input: unknown): ParseResult {
  const r = new Reader();
  const root = r.object(input, '', ['region', 'account', 'createdAt', 'resourceGroups', 'vpcs', 'buckets']);
  if (!root) return { ok: false, issues: r.issues };
  const region = r.string(root.region ?? 'us-south', 'region') ?? 'us-south';
  const account = r.string(root.account ?? hexId(`account:${region}`), 'account') ?? '';
  const createdAt = r.string(root.createdAt ?? DEFAULT_CREATED_AT, 'createdAt') ?? DEFAULT_CREATED_AT;
  const t: Topology = {
    region,
    account,
    resourceGroups: [],
    vpcs: [],
    subnets: [],
    instances: [],
    networkInterfaces: [],
    networkAttachments: [],
    virtualNetworkInterfaces: [],
    buckets: [],
  };

  const groups = r.array(root.resourceGroups ?? [{ name: 'default', default: true }], 'resourceGroups');
  groups.forEach((g, i) => {
    const p = join('resourceGroups', i);
    const o = r.object(g, p, ['id', 'name', 'default']);
    if (!o) return;
    const name = r.string(o.name, join(p, 'name')) ?? '';
    const id = r.string(o.id ?? hexId(`rg:${account}:${name}`), join(p, 'id')) ?? '';
    t.resourceGroups.push({ id, name, isDefault: r.boolean(o.default, join(p, 'default')) ?? false });
  });
  const defaults = t.resourceGroups.filter((g) => g.isDefault);
  if (t.resourceGroups.length > 0 && defaults.length !== 1) {
    r.problem('resourceGroups', `exactly one resource group must have "default": true; found ${defaults.length}`);
  }
  const defaultGroup = defaults[0]?.id ?? t.resourceGroups[0]?.id ?? '';
  const groupId = (value: unknown, path: string): string => {
    if (value === undefined) return defaultGroup;
    const name = r.string(value, path);
    const group = t.resourceGroups.find((g) => g.name === name || g.id === name);
    if (name !== undefined && !group) r.problem(path, `no resource group named "${name}"`);
    return group?.id ?? defaultGroup;
  };

  const usedIds = new Set<string>();
  const claim = (id: string, path: string): string => {
    if (usedIds.has(id)) r.problem(path, `id "${id}" is used twice`);
    usedIds.add(id);
    return id;
  };

  r.array(root.vpcs, 'vpcs').forEach((v, vi) => {
    const vp = join('vpcs', vi);
    const vo = r.object(v, vp, ['id', 'name', 'resourceGroup', 'subnets', 'instances', 'virtualNetworkInterfaces']);
    if (!vo) return;
    const vpcName = r.name(vo.name, join(vp, 'name')) ?? `vpc-${vi}`;
    if (t.vpcs.some((x) => x.name === vpcName)) r.problem(join(vp, 'name'), `VPC name "${vpcName}" is used twice`);
    const vpcId = claim(r.string(vo.id, join(vp, 'id'), false) ?? regionalId(region, `vpc:${account}:${vpcName}`), join(vp, 'id'));
    t.vpcs.push({
      id: vpcId,
      crn: crn(region, account, 'vpc', vpcId),
      name: vpcName,
      resourceGroupId: groupId(vo.resourceGroup, join(vp, 'resourceGroup')),
      createdAt,
    });

    const subnetsByName = new Map<string, { id: string; zone: string; next?: () => string }>();
    r.array(vo.subnets, join(vp, 'subnets')).forEach((s, si) => {
      const sp = join(join(vp, 'subnets'), si);
      const so = r.object(s, sp, ['id', 'name', 'zone', 'cidr', 'resourceGroup']);
      if (!so) return;
      const name = r.name(so.name, join(sp, 'name')) ?? `subnet-${si}`;
      const zone = r.string(so.zone, join(sp, 'zone')) ?? `${region}-1`;
      if (!zone.startsWith(`${region}-`)) r.problem(join(sp, 'zone'), `zone "${zone}" is not in region ${region}`);
      const cidr = r.string(so.cidr ?? `10.240.${si}.0/24`, join(sp, 'cidr')) ?? '';
      const next = addressAllocator(cidr);
      if (!next) r.problem(join(sp, 'cidr'), `"${cidr}" is not an IPv4 CIDR block between /8 and /29 aligned to its size`);
      if (subnetsByName.has(name)) r.problem(join(sp, 'name'), `subnet name "${name}" is used twice in VPC ${vpcName}`);
      const id = claim(r.string(so.id, join(sp, 'id'), false) ?? zonalId(zone, `subnet:${vpcId}:${name}`), join(sp, 'id'));
      subnetsByName.set(name, { id, zone, next });
      t.subnets.push({
        id,
        crn: crn(zone, account, 'subnet', id),
        name,
        vpcId,
        zone,
        cidr,
        resourceGroupId: groupId(so.resourceGroup, join(sp, 'resourceGroup')),
        createdAt,
      });
    });

    const subnetRef = (value: unknown, path: string, zone?: string) => {
      const name = r.string(value, path);
      const subnet = name === undefined ? undefined : subnetsByName.get(name);
      if (name !== undefined && !subnet) r.problem(path, `no subnet named "${name}" in VPC ${vpcName}`);
      if (subnet && zone && subnet.zone !== zone) {
        r.problem(path, `subnet "${name}" is in zone ${subnet.zone}, but the instance is in zone ${zone}`);
      }
      return subnet;
    };

    const vniNames = new Set<string>();
    const addVni = (name: string, path: string, subnet: { id: string; zone: string; next?: () => string }, attachmentId?: string, id?: string) => {
      if (vniNames.has(name)) r.problem(path, `virtual network interface name "${name}" is used twice in VPC ${vpcName}`);
      vniNames.add(name);
      const vniId = claim(id ?? zonalId(subnet.zone, `vni:${vpcId}:${name}`), path);
      t.virtualNetworkInterfaces.push({
        id: vniId,
        crn: crn(subnet.zone, account, 'virtual-network-interface', vniId),
        name,
        vpcId,
        subnetId: subnet.id,
        zone: subnet.zone,
        primaryIp: subnet.next?.() ?? '0.0.0.0',
        attachmentId,
        resourceGroupId: defaultGroup,
        createdAt,
      });
      return vniId;
    };

    const instanceNames = new Set<string>();
    r.array(vo.instances, join(vp, 'instances')).forEach((inst, ii) => {
      const ip = join(join(vp, 'instances'), ii);
      const io = r.object(inst, ip, ['id', 'name', 'zone', 'profile', 'resourceGroup', 'networkInterfaces', 'networkAttachments']);
      if (!io) return;
      const name = r.name(io.name, join(ip, 'name')) ?? `instance-${ii}`;
      if (instanceNames.has(name)) r.problem(join(ip, 'name'), `instance name "${name}" is used twice in VPC ${vpcName}`);
      instanceNames.add(name);
      const zone = r.string(io.zone, join(ip, 'zone')) ?? `${region}-1`;
      const id = claim(r.string(io.id, join(ip, 'id'), false) ?? zonalId(zone, `instance:${vpcId}:${name}`, '_'), join(ip, 'id'));
      const nics = r.array(io.networkInterfaces, join(ip, 'networkInterfaces'));
      const atts = r.array(io.networkAttachments, join(ip, 'networkAttachments'));
      if (nics.length > 0 && atts.length > 0) {
        r.problem(ip, 'an instance has either networkInterfaces or networkAttachments, not both');
      }
      if (nics.length === 0 && atts.length === 0) {
        r.problem(ip, 'an instance needs at least one entry in networkInterfaces or networkAttachments');
      }
      t.instances.push({
        id,
        crn: crn(zone, account, 'instance', id),
        name,
        vpcId,
        zone,
        profile: r.string(io.profile ?? 'bx2-2x8', join(ip, 'profile')) ?? 'bx2-2x8',
        interfaceModel: atts.length > 0 ? 'network_attachment' : 'network_interface',
        resourceGroupId: groupId(io.resourceGroup, join(ip, 'resourceGroup')),
        createdAt,
      });
      const interfaceNames = new Set<string>();
      nics.forEach((n, ni) => {
        const np = join(join(ip, 'networkInterfaces'), ni);
        const no = r.object(n, np, ['id', 'name', 'subnet']);
        if (!no) return;
        const nicName = r.name(no.name, join(np, 'name')) ?? `eth${ni}`;
        if (interfaceNames.has(nicName)) r.problem(join(np, 'name'), `interface name "${nicName}" is used twice on instance ${name}`);
        interfaceNames.add(nicName);
        const subnet = subnetRef(no.subnet, join(np, 'subnet'), zone);
        if (!subnet) return;
        const nicId = claim(r.string(no.id, join(np, 'id'), false) ?? zonalId(zone, `nic:${id}:${nicName}`), join(np, 'id'));
        t.networkInterfaces.push({ id: nicId, name: nicName, instanceId: id, subnetId: subnet.id, primaryIp: subnet.next?.() ?? '0.0.0.0', primary: ni === 0 });
      });
      atts.forEach((a, ai) => {
        const ap = join(join(ip, 'networkAttachments'), ai);
        const ao = r.object(a, ap, ['id', 'name', 'subnet', 'virtualNetworkInterface']);
        if (!ao) return;
        const attName = r.name(ao.name, join(ap, 'name')) ?? `eth${ai}`;
        if (interfaceNames.has(attName)) r.problem(join(ap, 'name'), `attachment name "${attName}" is used twice on instance ${name}`);
        interfaceNames.add(attName);
        const subnet = subnetRef(ao.subnet, join(ap, 'subnet'), zone);
        if (!subnet) return;
        const attId = claim(r.string(ao.id, join(ap, 'id'), false) ?? zonalId(zone, `att:${id}:${attName}`), join(ap, 'id'));
        const vniName = r.name(ao.virtualNetworkInterface ?? `${name}-${attName}`, join(ap, 'virtualNetworkInterface')) ?? `${name}-${attName}`;
        const vniId = addVni(vniName, join(ap, 'virtualNetworkInterface'), subnet, attId);
        t.networkAttachments.push({ id: attId, name: attName, instanceId: id, subnetId: subnet.id, vniId, primary: ai === 0 });
      });
    });

    r.array(vo.virtualNetworkInterfaces, join(vp, 'virtualNetworkInterfaces')).forEach((v2, xi) => {
      const xp = join(join(vp, 'virtualNetworkInterfaces'), xi);
      const xo = r.object(v2, xp, ['id', 'name', 'subnet']);
      if (!xo) return;
      const name = r.name(xo.name, join(xp, 'name')) ?? `vni-${xi}`;
      const subnet = subnetRef(xo.subnet, join(xp, 'subnet'));
      if (!subnet) return;
      addVni(name, join(xp, 'name'), subnet, undefined, r.string(xo.id, join(xp, 'id'), false));
    });
  });

  r.array(root.buckets, 'buckets').forEach((b, bi) => {
    const bp = join('buckets', bi);
    const bo = r.object(b, bp, ['name', 'authorized', 'location']);
    if (!bo) return;
    const name = r.string(bo.name, join(bp, 'name'));
    if (name === undefined) return;
    const problem = bucketNameProblem(name);
    if (problem) r.problem(join(bp, 'name'), problem);
    const seed: BucketSeed = { name, authorized: r.boolean(bo.authorized, join(bp, 'authorized')) ?? true };
    if (bo.location !== undefined) {
      const given = r.string(bo.location, join(bp, 'location'));
      const parsed = given === undefined ? undefined : parseLocationConstraint(given, region);
      if (parsed && 'problem' in parsed) r.problem(join(bp, 'location'), parsed.problem);
      else if (parsed) seed.location = parsed.code;
    }
    t.buckets.push(seed);
  });

  return r.issues.length > 0 ? { ok: false, issues: r.issues } : { ok: true, topology: t };
}

/** COS bucket naming: 3-63 characters, lowercase letters, digits, dots and hyphens, alphanumeric at both ends, not an IP. */
export function bucketNameProblem(name: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) || /\.\.|\.-|-\./.test(name) || /^\d+\.\d+\.\d+\.\d+$/.test(name)) {
    return `"${name}" is not a valid bucket name: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, not an IP address`;
  }
  return undefined;
}
