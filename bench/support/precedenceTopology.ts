import { rng } from './random';
import type { CollectorSpec, Topology } from '../../provider/src/precedence';

/**
 * Deterministic (seeded) synthetic topologies and collector sets for the precedence benchmark.
 *
 * Shape, for N interfaces: N/1000 VPCs, N/100 subnets (spread over the VPCs), about N/2 instances with one to three
 * interfaces each on subnets of their VPC, 30% of them instance network attachments with a virtual network
 * interface. Ids look like IBM's (prefix and random hex), so the interface list is not in id order, as with the
 * real API.
 */

const HEX = '0123456789abcdef';

/**
 * Ids as flat strings (built from char codes in one go, as JSON.parse would hand them over), not the nested
 * concatenations `s += c` leaves behind, which would cost memory and time no real topology costs.
 */
function idMaker(random: () => number): (prefix: string) => string {
  const codes: number[] = [];
  return (prefix) => {
    codes.length = 0;
    for (let k = 0; k < prefix.length; k++) codes.push(prefix.charCodeAt(k));
    for (let k = 0; k < 32; k++) {
      if (k === 8 || k === 12 || k === 16 || k === 20) codes.push(45);
      codes.push(HEX.charCodeAt((random() * 16) | 0));
    }
    return String.fromCharCode.apply(null, codes);
  };
}

export function syntheticTopology(interfaceCount: number, seed: number): Topology {
  const random = rng(seed);
  const id = idMaker(random);
  const vpcCount = Math.max(1, Math.round(interfaceCount / 1000));
  const subnetCount = Math.max(vpcCount, Math.round(interfaceCount / 100));
  const topology: Topology = { vpcs: [], subnets: [], instances: [], interfaces: [], virtualNetworkInterfaces: [] };
  for (let v = 0; v < vpcCount; v++) topology.vpcs.push({ id: id('r006-'), name: `vpc-${v}` });
  for (let s = 0; s < subnetCount; s++) topology.subnets.push({ id: id('0717-'), vpcId: topology.vpcs[s % vpcCount].id, name: `subnet-${s}` });
  const subnetsPerVpc = Math.ceil(subnetCount / vpcCount);
  let h = 0;
  while (topology.interfaces.length < interfaceCount) {
    const v = (random() * vpcCount) | 0;
    const instance = { id: id('0717_'), vpcId: topology.vpcs[v].id, name: `instance-${h++}` };
    topology.instances.push(instance);
    const nics = Math.min(1 + ((random() * 3) | 0), interfaceCount - topology.interfaces.length);
    for (let k = 0; k < nics; k++) {
      let s = v + vpcCount * ((random() * subnetsPerVpc) | 0);
      if (s >= subnetCount) s = v;
      const attachment = random() < 0.3;
      const nic: Topology['interfaces'][number] = {
        id: id('0717-'),
        name: `eth${k}`,
        kind: attachment ? 'instance_network_attachment' : 'network_interface',
        instanceId: instance.id,
        subnetId: topology.subnets[s].id,
      };
      if (attachment) {
        nic.vniId = id('0717-');
        topology.virtualNetworkInterfaces!.push({ id: nic.vniId, name: `${instance.name}-eth${k}`, attachmentId: nic.id });
      }
      topology.interfaces.push(nic);
    }
  }
  return topology;
}

/** `count` distinct positions out of `size`, chosen at random (partial Fisher–Yates). */
function pick(random: () => number, size: number, count: number): Int32Array {
  const all = new Int32Array(size);
  for (let i = 0; i < size; i++) all[i] = i;
  const n = Math.min(count, size);
  for (let i = 0; i < n; i++) {
    const j = i + ((random() * (size - i)) | 0);
    const t = all[i];
    all[i] = all[j];
    all[j] = t;
  }
  return all.subarray(0, n);
}

export const BUCKETS = 50;

/**
 * `count` collectors on distinct targets: every level of the order represented (1% VPCs, 10% subnets, 40% instances,
 * 20% virtual network interfaces, the rest interfaces), 5% suspended, over 50 buckets.
 */
export function syntheticCollectors(topology: Topology, count: number, seed: number): CollectorSpec[] {
  const random = rng(seed);
  const out: CollectorSpec[] = [];
  const add = (targetId: string, level: string) => {
    const k = out.length;
    out.push({ id: `fl-${seed}-${k}`, name: `${level}-logs-${k}`, targetId, bucket: `bucket-${(random() * BUCKETS) | 0}`, active: random() >= 0.05 });
  };
  const vnis = topology.virtualNetworkInterfaces ?? [];
  for (const i of pick(random, topology.vpcs.length, Math.round(count * 0.01))) add(topology.vpcs[i].id, 'vpc');
  for (const i of pick(random, topology.subnets.length, Math.round(count * 0.1))) add(topology.subnets[i].id, 'subnet');
  for (const i of pick(random, topology.instances.length, Math.round(count * 0.4))) add(topology.instances[i].id, 'instance');
  for (const i of pick(random, vnis.length, Math.round(count * 0.2))) add(vnis[i].id, 'vni');
  for (const i of pick(random, topology.interfaces.length, count - out.length)) add(topology.interfaces[i].id, 'nic');
  return out;
}

/**
 * A second collector set for the diff benchmark: of `collectors`, `fraction` removed, `fraction` suspended or resumed,
 * `fraction` pointed at another bucket, and `fraction` × count new collectors on interfaces that had none.
 */
export function changedCollectors(topology: Topology, collectors: CollectorSpec[], fraction: number, seed: number): CollectorSpec[] {
  const random = rng(seed);
  const out: CollectorSpec[] = [];
  for (const c of collectors) {
    const r = random();
    if (r < fraction) continue;
    if (r < 2 * fraction) out.push({ ...c, active: !c.active });
    else if (r < 3 * fraction) out.push({ ...c, bucket: `bucket-${(random() * BUCKETS) | 0}` });
    else out.push(c);
  }
  const taken = new Set(collectors.map((c) => c.targetId));
  const wanted = Math.round(collectors.length * fraction);
  for (let k = 0, tries = 0; k < wanted && tries < wanted * 10; tries++) {
    const nic = topology.interfaces[(random() * topology.interfaces.length) | 0];
    if (taken.has(nic.id)) continue;
    taken.add(nic.id);
    out.push({ id: `fl-new-${k}`, name: `new-logs-${k}`, targetId: nic.id, bucket: `bucket-${(random() * BUCKETS) | 0}`, active: true });
    k++;
  }
  return out;
}
