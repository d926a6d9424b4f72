import { expect } from 'chai';
import { assembleTopology, IbmAbortError, IbmNotFoundError, indexVnis, TopologyReader, VpcClient, type VpcTopology } from '../../provider/src/ibm';
import { ibmConnectionOf, rejectionOf, requestCounts, useEmulator, type EmulatorClient } from '../support/emulator';

/**
 * The topology reader over the VPC client and the emulator: the use-case-1 network read exactly (expected values
 * built from the emulator's own topology dump, by name), VNIs kept to their VPC, and the per-process cache: one
 * shared fetch for concurrent readers, invalidation, no caching of failures, a caller's cancel.
 */

const TOPOLOGY_ROUTES = ['GET /v1/vpcs/{id}', 'GET /v1/subnets', 'GET /v1/instances', 'GET /v1/virtual_network_interfaces'];

function routeCounts(counts: Record<string, number>): number[] {
  return TOPOLOGY_ROUTES.map((r) => counts[r] ?? 0);
}

function readerFor(emu: EmulatorClient): { client: VpcClient; reader: TopologyReader } {
  const client = new VpcClient(ibmConnectionOf(emu.endpoints));
  return { client, reader: new TopologyReader(client) };
}

describe('TopologyReader on use-case-1', () => {
  const emu = useEmulator();
  let client: VpcClient;
  let reader: TopologyReader;
  beforeEach(() => {
    ({ client, reader } = readerFor(emu()));
  });
  afterEach(() => client.destroy());

  /** What the topology must be, from the emulator's state, looked up by the names in use-case-1.json. */
  async function expectedTopology(): Promise<VpcTopology> {
    const t = await emu().topology();
    const id = (list: any[], name: string, extra: (x: any) => boolean = () => true) => {
      const found = list.find((x) => x.name === name && extra(x));
      if (!found) throw new Error(`no ${name}`);
      return found;
    };
    const inst = (name: string) => id(t.instances, name);
    const subnet = (name: string) => id(t.subnets, name).id;
    const nic = (instance: string, name: string) => id(t.networkInterfaces, name, (n) => n.instanceId === inst(instance).id).id;
    const att = id(t.networkAttachments, 'eth0', (a) => a.instanceId === inst('instance-5').id);
    const vni5 = id(t.virtualNetworkInterfaces, 'instance-5-eth0');
    const spare = id(t.virtualNetworkInterfaces, 'vni-spare');
    const legacy = (instance: string, name: string, subnetName: string) => ({
      id: nic(instance, name),
      name,
      kind: 'network_interface' as const,
      instanceId: inst(instance).id,
      subnetId: subnet(subnetName),
    });
    return {
      vpc: { id: t.vpcs[0].id, crn: t.vpcs[0].crn, name: 'vpc-1' },
      subnets: ['subnet-1', 'subnet-2', 'subnet-3'].map((n) => ({ id: subnet(n), crn: id(t.subnets, n).crn, name: n })),
      instances: ['instance-1', 'instance-2', 'instance-3', 'instance-4', 'instance-5', 'instance-6'].map((n) => ({ id: inst(n).id, crn: inst(n).crn, name: n })),
      interfaces: [
        legacy('instance-1', 'eth0', 'subnet-1'),
        // instance-2: two interfaces on two subnets.
        legacy('instance-2', 'eth0', 'subnet-1'),
        legacy('instance-2', 'eth1', 'subnet-2'),
        legacy('instance-3', 'eth0', 'subnet-2'),
        legacy('instance-4', 'eth0', 'subnet-2'),
        // instance-5: a network attachment with its virtual network interface.
        { id: att.id, name: 'eth0', kind: 'instance_network_attachment', instanceId: inst('instance-5').id, subnetId: subnet('subnet-3'), vniId: vni5.id },
        legacy('instance-6', 'eth0', 'subnet-3'),
      ],
      virtualNetworkInterfaces: [
        { id: vni5.id, crn: vni5.crn, name: 'instance-5-eth0', subnetId: subnet('subnet-3'), attachmentId: att.id },
        { id: spare.id, crn: spare.crn, name: 'vni-spare', subnetId: subnet('subnet-3') },
      ],
    };
  }

  it('reads VPC → subnets → instances → interfaces, attachments and VNIs exactly', async () => {
    const expected = await expectedTopology();
    const topology = await reader.read(expected.vpc.id);
    expect(topology).to.deep.equal(expected);
    // Spelled out, the two cases the use case is about.
    const i2 = expected.instances.find((i) => i.name === 'instance-2')!;
    expect(topology.interfaces.filter((i) => i.instanceId === i2.id).map((i) => i.subnetId)).to.deep.equal([expected.subnets[0].id, expected.subnets[1].id]);
    const i5 = expected.instances.find((i) => i.name === 'instance-5')!;
    expect(topology.interfaces.filter((i) => i.instanceId === i5.id).map((i) => [i.kind, i.vniId])).to.deep.equal([
      ['instance_network_attachment', expected.virtualNetworkInterfaces[0].id],
    ]);
  });

  it('two concurrent reads share one fetch: one call per topology route, visible in the request counters', async () => {
    const vpcId = (await emu().topology()).vpcs[0].id;
    await emu().control('DELETE', '/requests');
    const [a, b] = await Promise.all([reader.read(vpcId), reader.read(vpcId)]);
    expect(a).to.equal(b);
    const counts = await requestCounts(emu());
    expect(routeCounts(counts)).to.deep.equal([1, 1, 1, 1]);
    expect(counts['POST /identity/token']).to.equal(1);
    expect(Object.values(counts).reduce((x, y) => x + y, 0)).to.equal(5);

    // Later reads come from the cache.
    expect(await reader.read(vpcId)).to.equal(a);
    expect(routeCounts(await requestCounts(emu()))).to.deep.equal([1, 1, 1, 1]);
  });

  it('invalidate(vpcId), invalidate() and refresh fetch again', async () => {
    const vpcId = (await emu().topology()).vpcs[0].id;
    await emu().control('DELETE', '/requests');
    const first = await reader.read(vpcId);
    reader.invalidate(vpcId);
    const second = await reader.read(vpcId);
    expect(second).to.not.equal(first);
    expect(second).to.deep.equal(first);
    expect(routeCounts(await requestCounts(emu()))).to.deep.equal([2, 2, 2, 2]);
    reader.invalidate();
    await reader.read(vpcId);
    await reader.read(vpcId, { refresh: true });
    expect(routeCounts(await requestCounts(emu()))).to.deep.equal([4, 4, 4, 4]);
  });

  it('sees a change after invalidation (a removed instance and its interface disappear)', async () => {
    const t = await emu().topology();
    const vpcId = t.vpcs[0].id;
    const before = await reader.read(vpcId);
    const gone = t.instances.find((i: any) => i.name === 'instance-6').id;
    expect((await emu().control('DELETE', `/topology/${gone}`)).status).to.equal(200);
    expect(await reader.read(vpcId)).to.equal(before);
    reader.invalidate(vpcId);
    const after = await reader.read(vpcId);
    expect(after.instances.map((i) => i.name)).to.deep.equal(['instance-1', 'instance-2', 'instance-3', 'instance-4', 'instance-5']);
    expect(after.interfaces).to.have.length(before.interfaces.length - 1);
  });

  it('an unknown VPC rejects with IbmNotFoundError, and the failure is not cached', async () => {
    const missing = 'r006-00000000-0000-4000-a000-000000000000';
    const error = await rejectionOf<IbmNotFoundError>(reader.read(missing));
    expect(IbmNotFoundError.isInstance(error)).to.equal(true);
    expect(error.message).to.contain(`Could not read the topology of VPC ${missing}: no VPC with this id exists in the region`);
    await emu().control('DELETE', '/requests');
    await rejectionOf(reader.read(missing));
    expect((await requestCounts(emu()))['GET /v1/vpcs/{id}']).to.equal(1);
  });

  it('a caller\'s signal stops its own wait; the shared fetch still serves the other caller', async () => {
    const vpcId = (await emu().topology()).vpcs[0].id;
    await emu().control('POST', '/faults', { method: 'GET', path: '/v1/instances', kind: 'latency', latencyMs: 400, count: 1 });
    await emu().control('DELETE', '/requests');
    const controller = new AbortController();
    const cancelled = rejectionOf<IbmAbortError>(reader.read(vpcId, { signal: controller.signal }));
    const patient = reader.read(vpcId);
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const error = await cancelled;
    expect(Date.now() - started).to.be.below(200);
    expect(error.code).to.equal('ERR_IBM_ABORTED');
    expect((await patient).vpc.name).to.equal('vpc-1');
    expect(routeCounts(await requestCounts(emu()))).to.deep.equal([1, 1, 1, 1]);
  });
});

describe('TopologyReader with two VPCs', () => {
  const topology = {
    region: 'us-south',
    account: '7c1f0e4b2a9d48e6b3f5a0c2d9e8f716',
    resourceGroups: [{ name: 'default', default: true }],
    vpcs: ['a', 'b'].map((v, i) => ({
      name: `vpc-${v}`,
      subnets: [{ name: `${v}-sub`, zone: 'us-south-1', cidr: `10.${i}.0.0/24` }],
      instances: [
        { name: `${v}-legacy`, zone: 'us-south-1', networkInterfaces: [{ name: 'eth0', subnet: `${v}-sub` }] },
        { name: `${v}-att`, zone: 'us-south-1', networkAttachments: [{ name: 'eth0', subnet: `${v}-sub`, virtualNetworkInterface: `${v}-att-vni` }] },
      ],
      virtualNetworkInterfaces: [{ name: `${v}-spare`, subnet: `${v}-sub` }],
    })),
    buckets: [],
  };
  const emu = useEmulator({ topology });

  it('keeps each VPC\'s own subnets, instances, interfaces and VNIs, and caches the two apart', async () => {
    const { client, reader } = readerFor(emu());
    try {
      const t = await emu().topology();
      for (const v of ['a', 'b']) {
        const vpc = t.vpcs.find((x: any) => x.name === `vpc-${v}`);
        const topo = await reader.read(vpc.id);
        expect(topo.subnets.map((s) => s.name)).to.deep.equal([`${v}-sub`]);
        expect(topo.instances.map((i) => i.name)).to.deep.equal([`${v}-legacy`, `${v}-att`]);
        expect(topo.interfaces.map((i) => i.kind)).to.deep.equal(['network_interface', 'instance_network_attachment']);
        expect(topo.virtualNetworkInterfaces.map((x) => [x.name, x.attachmentId === topo.interfaces[1].id])).to.deep.equal([
          [`${v}-att-vni`, true],
          [`${v}-spare`, false],
        ]);
      }
      // The region's virtual network interfaces are listed once for both VPCs.
      expect(routeCounts(await requestCounts(emu()))).to.deep.equal([2, 2, 2, 1]);
    } finally {
      client.destroy();
    }
  });
});

describe('assembleTopology: the attachment fields IBM sends, and the fallback when they are missing', () => {
  const vpc = { id: 'r006-v', crn: 'crn:v1:bluemix:public:is:us-south:a/acc::vpc:r006-v', name: 'vpc', href: '' };
  const subnets = [
    { id: '0717-s1', crn: 'crn:s1', name: 's1', href: '', vpcId: 'r006-v' },
    { id: '0717-s2', crn: 'crn:s2', name: 's2', href: '', vpcId: 'r006-v' },
  ];
  const vni = (id: string, subnetId: string, attachmentId?: string, vpcId: string | undefined = 'r006-v') => ({
    id,
    crn: `crn:${id}`,
    name: id,
    href: '',
    subnetId,
    ...(vpcId ? { vpcId } : {}),
    ...(attachmentId ? { attachmentId } : {}),
  });
  const instance = (networkAttachments: Array<{ id: string; name: string; subnetId?: string; vniId?: string }>, legacySubnet?: string) => ({
    id: '0717_i',
    crn: 'crn:i',
    name: 'i',
    href: '',
    vpcId: 'r006-v',
    networkInterfaces: legacySubnet ? [{ id: 'att', name: 'eth0', subnetId: legacySubnet }] : [],
    networkAttachments,
  });

  const cases: Array<{ name: string; att: { id: string; name: string; subnetId?: string; vniId?: string }; legacySubnet?: string; vnis: ReturnType<typeof vni>[]; expected: { subnetId: string; vniId?: string } }> = [
    {
      name: 'real fields: subnet and VNI from the attachment reference, even with no VNI listed',
      att: { id: 'att', name: 'eth0', subnetId: '0717-s2', vniId: 'vni-a' },
      vnis: [],
      expected: { subnetId: '0717-s2', vniId: 'vni-a' },
    },
    {
      name: 'real fields win over a legacy view and a VNI that say otherwise',
      att: { id: 'att', name: 'eth0', subnetId: '0717-s2', vniId: 'vni-a' },
      legacySubnet: '0717-s1',
      vnis: [vni('vni-b', '0717-s1', 'att')],
      expected: { subnetId: '0717-s2', vniId: 'vni-a' },
    },
    {
      name: 'fallback: no subnet, no VNI on the reference: the legacy view gives the subnet, the VNI whose target is the attachment the VNI',
      att: { id: 'att', name: 'eth0' },
      legacySubnet: '0717-s1',
      vnis: [vni('vni-b', '0717-s2', 'att')],
      expected: { subnetId: '0717-s1', vniId: 'vni-b' },
    },
    {
      name: 'fallback: no subnet and no legacy view: the VNI\'s subnet',
      att: { id: 'att', name: 'eth0', vniId: 'vni-b' },
      vnis: [vni('vni-b', '0717-s2')],
      expected: { subnetId: '0717-s2', vniId: 'vni-b' },
    },
    {
      name: 'fallback: a VNI without a vpc reference counts when its subnet is the VPC\'s',
      att: { id: 'att', name: 'eth0' },
      vnis: [vni('vni-c', '0717-s1', 'att', undefined)],
      expected: { subnetId: '0717-s1', vniId: 'vni-c' },
    },
    {
      name: 'fallback: nothing to go on: no subnet, no VNI',
      att: { id: 'att', name: 'eth0' },
      vnis: [vni('vni-d', '0717-s9', 'att', 'r006-other')],
      expected: { subnetId: '' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const t = assembleTopology(vpc, subnets, [instance([c.att], c.legacySubnet)], indexVnis(c.vnis));
      expect(t.interfaces).to.deep.equal([{ id: 'att', name: 'eth0', kind: 'instance_network_attachment', instanceId: '0717_i', ...c.expected }]);
    });
  }

  it('VNIs are kept to their VPC, each with the attachment it serves (from its target, or from the attachment reference)', () => {
    const t = assembleTopology(vpc, subnets, [instance([{ id: 'att', name: 'eth0', subnetId: '0717-s1', vniId: 'vni-a' }])], indexVnis([vni('vni-a', '0717-s1'), vni('spare', '0717-s2'), vni('elsewhere', '0717-x', undefined, 'r006-other')]));
    expect(t.virtualNetworkInterfaces).to.deep.equal([
      { id: 'vni-a', crn: 'crn:vni-a', name: 'vni-a', subnetId: '0717-s1', attachmentId: 'att' },
      { id: 'spare', crn: 'crn:spare', name: 'spare', subnetId: '0717-s2' },
    ]);
  });
});

describe('VpcClient.listInstances on the emulator: network attachments carry IBM\'s subnet and VNI references', () => {
  const emu = useEmulator();
  it('instance-5\'s attachment comes with its subnet id and VNI id, which the reader then uses as they are', async () => {
    const t = await emu().topology();
    const client = new VpcClient(ibmConnectionOf(emu().endpoints));
    try {
      const instances = await client.listInstances(t.vpcs[0].id);
      const i5 = instances.find((i) => i.name === 'instance-5')!;
      const att = t.networkAttachments.find((a: any) => a.instanceId === i5.id);
      expect(i5.networkAttachments).to.deep.equal([{ id: att.id, name: 'eth0', subnetId: att.subnetId, vniId: att.vniId }]);
      // Without any VNI listed, the reader still places the attachment: the real fields, not the fallback.
      const vpc = (await client.getVpc(t.vpcs[0].id))!;
      const alone = assembleTopology(vpc, await client.listSubnets(vpc.id), instances, indexVnis([]));
      expect(alone.interfaces.find((i) => i.id === att.id)).to.deep.equal({ id: att.id, name: 'eth0', kind: 'instance_network_attachment', instanceId: i5.id, subnetId: att.subnetId, vniId: att.vniId });
    } finally {
      client.destroy();
    }
  });
});
