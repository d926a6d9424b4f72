import { expect } from 'chai';
import { IbmAbortError, IbmNotFoundError, TopologyReader, VpcClient, type VpcTopology } from '../../provider/src/ibm';
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
      expect(routeCounts(await requestCounts(emu()))).to.deep.equal([2, 2, 2, 2]);
    } finally {
      client.destroy();
    }
  });
});
