import { expect } from 'chai';
import { COLLECTOR_FN, COLLECTORS_FN, rpcError, useFixture } from './support/fixture';
import { secret } from './support/plugin';

describe('rpc: Invoke of the functions', () => {
  const fx = useFixture();

  /** Three collectors made through the plugin: on the VPC, on subnet-1, on instance-1. */
  async function seed() {
    const f = fx();
    const vpc = await f.provision('c-vpc', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'c-vpc' });
    const subnet = await f.provision('c-subnet', { target: f.ids.subnet1, storageBucket: 'bucket-c', name: 'c-subnet' });
    const inst = await f.provision('c-inst', { target: f.ids.instance1, storageBucket: 'bucket-e', name: 'c-inst', active: false });
    return { vpc, subnet, inst };
  }

  it('getFlowLogCollector by id returns the collector as the API shows it', async () => {
    const f = fx();
    const { subnet } = await seed();
    const st = await f.collectorInState(subnet.id);
    const { ret, failures } = await f.invoke(COLLECTOR_FN, { id: subnet.id });
    expect(failures).to.deep.equal([]);
    expect(ret).to.deep.equal({
      id: st.id,
      crn: st.crn,
      href: st.href,
      name: 'c-subnet',
      active: true,
      autoDelete: true,
      lifecycleState: 'stable',
      createdAt: st.created_at,
      storageBucket: 'bucket-c',
      target: f.ids.subnet1,
      targetType: 'subnet',
      vpc: f.ids.vpc,
      resourceGroup: f.ids.defaultGroup,
      resourceGroupName: 'default',
    });
  });

  it('getFlowLogCollector by name (and by name within a VPC)', async () => {
    const f = fx();
    const { inst } = await seed();
    const byName = await f.invoke(COLLECTOR_FN, { name: 'c-inst' });
    expect(byName.failures).to.deep.equal([]);
    expect([byName.ret.id, byName.ret.targetType, byName.ret.active, byName.ret.lifecycleState]).to.deep.equal([inst.id, 'instance', false, 'suspended']);
    const inVpc = await f.invoke(COLLECTOR_FN, { name: 'c-inst', vpc: f.ids.vpc });
    expect(inVpc.ret).to.deep.equal(byName.ret);
  });

  it('getFlowLogCollector failures come back as InvokeResponse failures with property paths', async () => {
    const f = fx();
    await seed();
    const missing = 'r006-00000000-0000-0000-0000-000000000000';
    const cases: Array<[object, Array<{ property: string; reason: string }>]> = [
      [{ id: missing }, [{ property: 'id', reason: `no flow log collector has id "${missing}"` }]],
      [{ name: 'nobody' }, [{ property: 'name', reason: 'no flow log collector is named "nobody"' }]],
      [{ id: missing, name: 'c-vpc' }, [{ property: 'name', reason: 'give exactly one of id or name' }]],
      [{}, [{ property: 'id', reason: 'give exactly one of id or name' }]],
      [{ name: 'c-vpc', colour: 'red' }, [{ property: 'colour', reason: 'unknown argument; allowed: id, name, vpc' }]],
      [{ id: 42 }, [{ property: 'id', reason: 'must be a non-empty string, received number' }]],
    ];
    for (const [args, expected] of cases) {
      const { ret, failures } = await f.invoke(COLLECTOR_FN, args);
      expect(failures, JSON.stringify(args)).to.deep.equal(expected);
      expect(ret, JSON.stringify(args)).to.deep.equal({});
    }
  });

  it('getFlowLogCollectors with the API filters', async () => {
    const f = fx();
    const { vpc, subnet, inst } = await seed();
    const ids = async (args: object) => {
      const { ret, failures } = await f.invoke(COLLECTORS_FN, args);
      expect(failures, JSON.stringify(args)).to.deep.equal([]);
      return ret.collectors.map((c: any) => c.id);
    };
    expect(await ids({})).to.deep.equal([vpc.id, subnet.id, inst.id]);
    expect(await ids({ vpc: f.ids.vpc })).to.deep.equal([vpc.id, subnet.id, inst.id]);
    expect(await ids({ vpcName: 'vpc-1' })).to.deep.equal([vpc.id, subnet.id, inst.id]);
    expect(await ids({ vpcCrn: f.ids.vpcCrn })).to.deep.equal([vpc.id, subnet.id, inst.id]);
    expect(await ids({ targetType: 'subnet' })).to.deep.equal([subnet.id]);
    expect(await ids({ target: f.ids.instance1 })).to.deep.equal([inst.id]);
    expect(await ids({ name: 'c-vpc' })).to.deep.equal([vpc.id]);
    expect(await ids({ resourceGroup: f.ids.defaultGroup })).to.deep.equal([vpc.id, subnet.id, inst.id]);
    expect(await ids({ resourceGroup: f.ids.networkGroup })).to.deep.equal([]);
    expect(await ids({ vpc: 'r006-00000000-0000-0000-0000-000000000000' })).to.deep.equal([]);

    const one = (await f.invoke(COLLECTORS_FN, { name: 'c-inst' })).ret.collectors[0];
    const st = await f.collectorInState(inst.id);
    expect(one).to.deep.equal({
      id: inst.id,
      crn: st.crn,
      name: 'c-inst',
      active: false,
      lifecycleState: 'suspended',
      storageBucket: 'bucket-e',
      target: f.ids.instance1,
      targetType: 'instance',
      vpc: f.ids.vpc,
      resourceGroup: f.ids.defaultGroup,
      createdAt: st.created_at,
    });
  });

  it('getFlowLogCollectors takes a resource group by name, as a collector does: one Resource Manager look-up, the API filter by id', async () => {
    const f = fx();
    const { vpc, subnet, inst } = await seed();
    await f.clearRequests();
    for (let k = 0; k < 2; k++) {
      const byName = await f.invoke(COLLECTORS_FN, { resourceGroup: 'default' });
      expect(byName.failures).to.deep.equal([]);
      expect(byName.ret.collectors.map((c: any) => c.id)).to.deep.equal([vpc.id, subnet.id, inst.id]);
    }
    expect((await f.invoke(COLLECTORS_FN, { resourceGroup: 'network' })).ret.collectors).to.deep.equal([]);
    const counts = await f.requestCounts();
    expect(Object.entries(counts).filter(([route]) => route.includes('/v2/resource_groups')).map(([, n]) => n)).to.deep.equal([2]); // "default" once, "network" once

    const unknown = await f.invoke(COLLECTORS_FN, { resourceGroup: 'defualt', targetType: 'router' });
    expect(unknown.ret).to.deep.equal({});
    expect(unknown.failures.map((x) => x.property)).to.deep.equal(['targetType', 'resourceGroup']);
    expect(unknown.failures[1].reason).to.match(/^no resource group is named "defualt" in the API key's account; the account's groups: "default", "network"\. /);
    const hidden = await f.invoke(COLLECTORS_FN, { resourceGroup: secret('hidden-group') });
    expect(hidden.failures.map((x) => x.property)).to.deep.equal(['resourceGroup']);
    expect(hidden.failures[0].reason).to.include('(secret)').and.not.include('hidden');
  });

  it('getFlowLogCollectors refuses a bad filter with its property path', async () => {
    const { ret, failures } = await fx().invoke(COLLECTORS_FN, { targetType: 'router', zone: 'us-south-1' });
    expect(failures).to.deep.equal([
      { property: 'zone', reason: 'unknown argument; allowed: resourceGroup, name, vpc, vpcCrn, vpcName, target, targetType' },
      { property: 'targetType', reason: '"router" is not one of vpc, subnet, instance, network_interface, virtual_network_interface, instance_network_attachment' },
    ]);
    expect(ret).to.deep.equal({});
  });

  it('an unknown function token is an error naming the functions offered', async () => {
    const error = await rpcError(fx().invoke('ibmflowlogs:index:getNothing', {}));
    expect(error.details).to.equal('unknown function "ibmflowlogs:index:getNothing"; this provider offers ibmflowlogs:index:getFlowLogCollector, ibmflowlogs:index:getFlowLogCollectors, ibmflowlogs:index:getCoverage');
  });
});
