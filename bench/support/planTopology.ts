import { rng } from './random';

/**
 * A region for the `plan` benchmark, as an emulator topology file with explicit ids (so the planned collectors can
 * name their targets without asking the emulator): `vpcs` VPCs of `interfacesPerVpc` interfaces each, ten subnets per
 * VPC over three zones, instances with one to three interfaces on subnets of their zone, 30% of the instances on
 * network attachments (each with its virtual network interface), five spare virtual network interfaces per VPC; and a
 * planned collector list over every level (1% VPCs, 10% subnets, 40% instances, 20% virtual network interfaces, the
 * rest interfaces).
 */

const HEX = '0123456789abcdef';

function idMaker(random: () => number) {
  return (prefix: string) => {
    let s = prefix;
    for (let k = 0; k < 32; k++) {
      if (k === 8 || k === 12 || k === 16 || k === 20) s += '-';
      s += HEX[(random() * 16) | 0];
    }
    return s;
  };
}

export interface PlanBenchRegion {
  topology: object;
  collectors: Array<{ name: string; target: string; storageBucket: string; active: boolean }>;
  interfaces: number;
  instances: number;
  vnis: number;
}

export function planBenchRegion(vpcs: number, interfacesPerVpc: number, collectorCount: number, seed: number): PlanBenchRegion {
  const random = rng(seed);
  const id = idMaker(random);
  const targets = { vpc: [] as string[], subnet: [] as string[], instance: [] as string[], vni: [] as string[], nic: [] as string[] };
  let interfaces = 0;
  let instanceCount = 0;
  let vniCount = 0;
  const topoVpcs = [];
  for (let v = 0; v < vpcs; v++) {
    const vpcId = id('r006-');
    targets.vpc.push(vpcId);
    const subnets = Array.from({ length: 10 }, (_, s) => ({ id: id('0717-'), name: `s${s}`, zone: `us-south-${(s % 3) + 1}`, cidr: `10.${v % 250}.${s * 4}.0/22` }));
    targets.subnet.push(...subnets.map((s) => s.id));
    const instances = [];
    let n = 0;
    for (let i = 0; n < interfacesPerVpc; i++) {
      const zone = (random() * 3) | 0;
      const inZone = subnets.filter((_, s) => s % 3 === zone);
      const count = Math.min(1 + ((random() * 3) | 0), interfacesPerVpc - n);
      const attachments = random() < 0.3;
      const instanceId = id('0717_');
      targets.instance.push(instanceId);
      const list = Array.from({ length: count }, (_, k) => {
        const nicId = id('0717-');
        targets.nic.push(nicId);
        return { id: nicId, name: `eth${k}`, subnet: inZone[(random() * inZone.length) | 0].name };
      });
      n += count;
      instances.push({
        id: instanceId,
        name: `i${i}`,
        zone: `us-south-${zone + 1}`,
        ...(attachments ? { networkAttachments: list.map((a) => ({ ...a, virtualNetworkInterface: `i${i}-${a.name}` })) } : { networkInterfaces: list }),
      });
    }
    instanceCount += instances.length;
    interfaces += n;
    const spares = Array.from({ length: 5 }, (_, k) => {
      const vniId = id('0717-');
      targets.vni.push(vniId);
      return { id: vniId, name: `spare-${k}`, subnet: subnets[k].name };
    });
    vniCount += spares.length + instances.filter((i) => 'networkAttachments' in i).reduce((a, i) => a + (i.networkAttachments?.length ?? 0), 0);
    topoVpcs.push({ id: vpcId, name: `vpc-${v}`, subnets, instances, virtualNetworkInterfaces: spares });
  }
  const buckets = Array.from({ length: 50 }, (_, b) => ({ name: `plan-bucket-${b}` }));
  const collectors: PlanBenchRegion['collectors'] = [];
  const take = (list: string[], count: number, level: string) => {
    const pool = [...list];
    for (let k = 0; k < count && pool.length > 0; k++) {
      const at = (random() * pool.length) | 0;
      const target = pool[at];
      pool[at] = pool[pool.length - 1];
      pool.pop();
      collectors.push({ name: `${level}-${collectors.length}`, target, storageBucket: buckets[(random() * buckets.length) | 0].name, active: random() >= 0.05 });
    }
  };
  take(targets.vpc, Math.round(collectorCount * 0.01), 'vpc');
  take(targets.subnet, Math.round(collectorCount * 0.1), 'subnet');
  take(targets.instance, Math.round(collectorCount * 0.4), 'instance');
  take(targets.vni, Math.round(collectorCount * 0.2), 'vni');
  take(targets.nic, collectorCount - collectors.length, 'nic');
  return { topology: { region: 'us-south', vpcs: topoVpcs, buckets }, collectors, interfaces, instances: instanceCount, vnis: vniCount };
}
