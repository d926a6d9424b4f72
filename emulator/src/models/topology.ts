import { hexId, parseCrn, regionalId, seededWordsName, zonalId } from './ids';
import type {
  Instance,
  NetworkAttachment,
  NetworkInterface,
  Subnet,
  TargetType,
  Topology,
  VirtualNetworkInterface,
  Vpc,
} from './topologyTypes';

export interface TargetRef {
  type: TargetType;
  id: string;
}

/** Why a target reference did not resolve: unknown, or of a kind/form the API does not take. */
export type TargetLookup = { ok: true; target: TargetRef } | { ok: false; reason: 'not_found' | 'unsupported'; message: string };

const CRN_TYPES: Record<string, TargetType> = {
  vpc: 'vpc',
  subnet: 'subnet',
  instance: 'instance',
  'virtual-network-interface': 'virtual_network_interface',
};

const HREF_COLLECTIONS: Record<string, TargetType> = {
  vpcs: 'vpc',
  subnets: 'subnet',
  instances: 'instance',
  virtual_network_interfaces: 'virtual_network_interface',
};

/** A resource IBM creates alongside another (a VPC's default ACL, an instance's boot volume): id and name. */
export interface DerivedRef {
  id: string;
  name: string;
}

/** What IBM creates with every VPC and the topology file does not describe; derived from the VPC's id. */
export interface VpcDefaults {
  networkAcl: DerivedRef;
  securityGroup: DerivedRef;
  routingTable: DerivedRef;
  /** Cloud service endpoint source addresses, one per zone of the region. */
  cseSourceIps: Array<{ zone: string; address: string }>;
}

const ZONES_PER_REGION = 3;

const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

/**
 * Read-only topology with indexes (by id, and the children of each VPC, subnet and instance, so that rendering an
 * instance or listing a VPC's subnets costs what it returns, not a scan of the region); `remove` is the only mutation
 * (the control API's "remove a resource").
 */
export class TopologyModel {
  private readonly vpcs = new Map<string, Vpc>();
  private readonly subnets = new Map<string, Subnet>();
  private readonly instances = new Map<string, Instance>();
  private readonly nics = new Map<string, NetworkInterface>();
  private readonly attachments = new Map<string, NetworkAttachment>();
  private readonly vnis = new Map<string, VirtualNetworkInterface>();
  private readonly nicsByInstance = new Map<string, NetworkInterface[]>();
  private readonly attachmentsByInstance = new Map<string, NetworkAttachment[]>();
  private readonly subnetsByVpc = new Map<string, Subnet[]>();
  private readonly instancesByVpc = new Map<string, Instance[]>();
  /** Addresses in use per subnet: legacy interfaces and virtual network interfaces (attachments use their VNI's). */
  private readonly usedAddresses = new Map<string, number>();
  private readonly defaults = new Map<string, VpcDefaults>();
  /**
   * Derived ids and names, kept once made: each is two hashes, and listing 50,000 instances derives 150,000 of them
   * (a quarter of the emulator's CPU in the `plan` benchmark). Keyed by everything they derive from.
   */
  private readonly derived = new Map<string, DerivedRef>();

  constructor(readonly data: Topology) {
    this.reindex();
  }

  private reindex(): void {
    const fill = <T extends { id: string }>(map: Map<string, T>, items: T[]) => {
      map.clear();
      for (const item of items) map.set(item.id, item);
    };
    fill(this.vpcs, this.data.vpcs);
    fill(this.subnets, this.data.subnets);
    fill(this.instances, this.data.instances);
    fill(this.nics, this.data.networkInterfaces);
    fill(this.attachments, this.data.networkAttachments);
    fill(this.vnis, this.data.virtualNetworkInterfaces);
    for (const map of [this.nicsByInstance, this.attachmentsByInstance, this.subnetsByVpc, this.instancesByVpc]) map.clear();
    this.usedAddresses.clear();
    for (const n of this.data.networkInterfaces) push(this.nicsByInstance, n.instanceId, n);
    for (const a of this.data.networkAttachments) push(this.attachmentsByInstance, a.instanceId, a);
    for (const s of this.data.subnets) push(this.subnetsByVpc, s.vpcId, s);
    for (const i of this.data.instances) push(this.instancesByVpc, i.vpcId, i);
    for (const x of [...this.data.networkInterfaces, ...this.data.virtualNetworkInterfaces]) this.usedAddresses.set(x.subnetId, (this.usedAddresses.get(x.subnetId) ?? 0) + 1);
  }

  get region(): string {
    return this.data.region;
  }

  get account(): string {
    return this.data.account;
  }

  vpc(id: string): Vpc | undefined {
    return this.vpcs.get(id);
  }
  subnet(id: string): Subnet | undefined {
    return this.subnets.get(id);
  }
  instance(id: string): Instance | undefined {
    return this.instances.get(id);
  }
  networkInterface(id: string): NetworkInterface | undefined {
    return this.nics.get(id);
  }
  attachment(id: string): NetworkAttachment | undefined {
    return this.attachments.get(id);
  }
  vni(id: string): VirtualNetworkInterface | undefined {
    return this.vnis.get(id);
  }

  resourceGroup(id: string) {
    return this.data.resourceGroups.find((g) => g.id === id);
  }

  defaultResourceGroup() {
    return this.data.resourceGroups.find((g) => g.isDefault) ?? this.data.resourceGroups[0];
  }

  interfacesOf(instanceId: string): readonly NetworkInterface[] {
    return this.nicsByInstance.get(instanceId) ?? [];
  }

  attachmentsOf(instanceId: string): readonly NetworkAttachment[] {
    return this.attachmentsByInstance.get(instanceId) ?? [];
  }

  /** The VPC's subnets, or every subnet of the region when `vpcId` is undefined. */
  subnetsIn(vpcId: string | undefined): readonly Subnet[] {
    return vpcId === undefined ? this.data.subnets : (this.subnetsByVpc.get(vpcId) ?? []);
  }

  /** The VPC's instances, or every instance of the region when `vpcId` is undefined. */
  instancesIn(vpcId: string | undefined): readonly Instance[] {
    return vpcId === undefined ? this.data.instances : (this.instancesByVpc.get(vpcId) ?? []);
  }

  /** How many of the subnet's addresses interfaces hold. */
  addressesInUse(subnetId: string): number {
    return this.usedAddresses.get(subnetId) ?? 0;
  }

  /** The default network ACL, security group and routing table IBM creates with a VPC, and its CSE source IPs. */
  vpcDefaults(vpcId: string): VpcDefaults {
    let d = this.defaults.get(vpcId);
    if (!d) {
      const ref = (kind: string): DerivedRef => ({ id: regionalId(this.region, `${kind}:${vpcId}`), name: seededWordsName(`${kind}:${vpcId}`) });
      const octets = (seed: string) => [...Buffer.from(hexId(seed), 'hex')];
      d = {
        networkAcl: ref('network-acl'),
        securityGroup: ref('security-group'),
        routingTable: ref('routing-table'),
        cseSourceIps: Array.from({ length: ZONES_PER_REGION }, (_, z) => {
          const [a, b, c] = octets(`cse:${vpcId}:${z}`);
          return { zone: `${this.region}-${z + 1}`, address: `10.${a % 250}.${b}.${(c % 250) + 2}` };
        }),
      };
      this.defaults.set(vpcId, d);
    }
    return d;
  }

  /** The reserved IP object behind an interface's address (IBM models every bound address as one). */
  reservedIp(subnetId: string, address: string): DerivedRef {
    const zone = this.subnets.get(subnetId)?.zone ?? `${this.region}-1`;
    return this.derive(zone, `reserved-ip:${subnetId}:${address}`, () => zonalId(zone, `reserved-ip:${subnetId}:${address}`));
  }

  /** `{id, name}` seeded by `seed` in `zone`, made once; a copy, so that no caller changes another's. */
  private derive(zone: string, seed: string, id: () => string): DerivedRef {
    const key = `${zone}|${seed}`;
    let ref = this.derived.get(key);
    if (!ref) this.derived.set(key, (ref = { id: id(), name: seededWordsName(seed) }));
    return { ...ref };
  }

  /** An instance's boot volume and its attachment. */
  bootVolume(instanceId: string): { attachment: DerivedRef; volume: DerivedRef } {
    const zone = this.instances.get(instanceId)?.zone ?? `${this.region}-1`;
    return {
      attachment: this.derive(zone, `boot-attachment:${instanceId}`, () => zonalId(zone, `boot-attachment:${instanceId}`)),
      volume: this.derive(this.region, `boot-volume:${instanceId}`, () => regionalId(this.region, `boot-volume:${instanceId}`)),
    };
  }

  /** The kind of a known id, or undefined. */
  typeOf(id: string): TargetType | undefined {
    if (this.vpcs.has(id)) return 'vpc';
    if (this.subnets.has(id)) return 'subnet';
    if (this.instances.has(id)) return 'instance';
    if (this.nics.has(id)) return 'network_interface';
    if (this.attachments.has(id)) return 'instance_network_attachment';
    if (this.vnis.has(id)) return 'virtual_network_interface';
    return undefined;
  }

  /** The VPC a target lives in. */
  vpcOf(target: TargetRef): string {
    switch (target.type) {
      case 'vpc':
        return target.id;
      case 'subnet':
        return this.subnets.get(target.id)!.vpcId;
      case 'instance':
        return this.instances.get(target.id)!.vpcId;
      case 'network_interface':
        return this.instances.get(this.nics.get(target.id)!.instanceId)!.vpcId;
      case 'instance_network_attachment':
        return this.instances.get(this.attachments.get(target.id)!.instanceId)!.vpcId;
      case 'virtual_network_interface':
        return this.vnis.get(target.id)!.vpcId;
    }
  }

  nameOf(target: TargetRef): string {
    const all = { vpc: this.vpcs, subnet: this.subnets, instance: this.instances, network_interface: this.nics, instance_network_attachment: this.attachments, virtual_network_interface: this.vnis };
    return all[target.type].get(target.id)?.name ?? '';
  }

  exists(target: TargetRef): boolean {
    return this.typeOf(target.id) === target.type;
  }

  byId(id: string): TargetLookup {
    const type = this.typeOf(id);
    return type ? { ok: true, target: { type, id } } : { ok: false, reason: 'not_found', message: `no VPC, subnet, instance, network interface, network attachment or virtual network interface has id "${id}"` };
  }

  byCrn(value: string): TargetLookup {
    const parsed = parseCrn(value);
    if (!parsed) return { ok: false, reason: 'unsupported', message: `"${value}" is not a VPC infrastructure CRN (crn:v1:bluemix:public:is:<location>:a/<account>::<type>:<id>)` };
    // Own keys only: a CRN of type `constructor` must not find Object's constructor.
    const type = Object.hasOwn(CRN_TYPES, parsed.type) ? CRN_TYPES[parsed.type] : undefined;
    if (!type) {
      return { ok: false, reason: 'unsupported', message: `CRN type "${parsed.type}" cannot be a flow log collector target; allowed: ${Object.keys(CRN_TYPES).join(', ')} (network interfaces and attachments are targeted by id or href)` };
    }
    const found = this.typeOf(parsed.id) === type ? { type, id: parsed.id } : undefined;
    // The whole CRN must be the resource's own: right account, and its region or zone.
    if (!found || this.crnOf(found) !== value) {
      return { ok: false, reason: 'not_found', message: `no ${type} with CRN "${value}" in region ${this.region}` };
    }
    return { ok: true, target: found };
  }

  private crnOf(t: TargetRef): string | undefined {
    if (t.type === 'vpc') return this.vpcs.get(t.id)?.crn;
    if (t.type === 'subnet') return this.subnets.get(t.id)?.crn;
    if (t.type === 'instance') return this.instances.get(t.id)?.crn;
    if (t.type === 'virtual_network_interface') return this.vnis.get(t.id)?.crn;
    return undefined;
  }

  /** An href names its kind by path: /v1/vpcs/{id}, /v1/instances/{i}/network_interfaces/{id}, … */
  byHref(value: string): TargetLookup {
    let segments: string[];
    try {
      segments = new URL(value).pathname.split('/').slice(1).map(decodeURIComponent);
    } catch {
      return { ok: false, reason: 'unsupported', message: `href "${value}" is not a URL with valid percent-encoding` };
    }
    const found = this.atPath(segments);
    if (found === 'unsupported') {
      return { ok: false, reason: 'unsupported', message: `href "${value}" does not name a VPC, subnet, instance, network interface, network attachment or virtual network interface` };
    }
    return found ? { ok: true, target: found } : { ok: false, reason: 'not_found', message: `nothing exists at href "${value}"` };
  }

  private atPath([v1, collection, id, sub, subId, ...rest]: string[]): TargetRef | undefined | 'unsupported' {
    if (v1 !== 'v1' || rest.length > 0) return 'unsupported';
    if (sub === undefined) {
      const type = Object.hasOwn(HREF_COLLECTIONS, collection) ? HREF_COLLECTIONS[collection] : undefined;
      if (!type || !id) return 'unsupported';
      return this.typeOf(id) === type ? { type, id } : undefined;
    }
    if (collection !== 'instances' || (sub !== 'network_interfaces' && sub !== 'network_attachments') || !subId) return 'unsupported';
    // The instance in the href must own the interface, as GET of that href checks. An instance on network
    // attachments shows each attachment as a read-only network interface with the same id.
    if (this.attachments.get(subId)?.instanceId === id) return { type: 'instance_network_attachment', id: subId };
    if (sub === 'network_interfaces' && this.nics.get(subId)?.instanceId === id) return { type: 'network_interface', id: subId };
    return undefined;
  }

  /**
   * Removes a resource and everything inside it (a VPC's subnets and instances, an instance's interfaces, a subnet's
   * interfaces). Returns every id that disappeared, so collectors targeting any of them can be auto-deleted.
   */
  remove(id: string): string[] | undefined {
    const type = this.typeOf(id);
    if (!type) return undefined;
    const gone = new Set<string>([id]);
    const d = this.data;
    if (type === 'vpc') {
      for (const x of [...d.subnets, ...d.instances, ...d.virtualNetworkInterfaces]) if (x.vpcId === id) gone.add(x.id);
    }
    if (type === 'subnet') {
      for (const x of [...d.networkInterfaces, ...d.networkAttachments, ...d.virtualNetworkInterfaces]) if (x.subnetId === id) gone.add(x.id);
    }
    for (const x of [...d.networkInterfaces, ...d.networkAttachments]) if (gone.has(x.instanceId)) gone.add(x.id);
    for (const a of d.networkAttachments) if (gone.has(a.id)) gone.add(a.vniId);
    for (const v of d.virtualNetworkInterfaces) if (v.attachmentId && gone.has(v.id)) gone.add(v.attachmentId);
    d.vpcs = d.vpcs.filter((x) => !gone.has(x.id));
    d.subnets = d.subnets.filter((x) => !gone.has(x.id));
    d.instances = d.instances.filter((x) => !gone.has(x.id));
    d.networkInterfaces = d.networkInterfaces.filter((x) => !gone.has(x.id));
    d.networkAttachments = d.networkAttachments.filter((x) => !gone.has(x.id));
    d.virtualNetworkInterfaces = d.virtualNetworkInterfaces.filter((x) => !gone.has(x.id));
    this.reindex();
    return [...gone];
  }
}
