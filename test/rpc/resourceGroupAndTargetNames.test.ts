import { expect } from 'chai';
import { DIFF, KIND, rpcError, useFixture } from './support/fixture';
import { secret } from './support/plugin';

/**
 * `resourceGroup` by name or id, and targets given by name, through the real plugin over gRPC against the emulator.
 * The calls follow the engine's order in pulumi/pulumi pkg/resource/deploy/step_generator.go: a new resource is
 * Check then Create (preview: true in a preview); an existing one is Check (olds: the inputs in the state) then Diff
 * (olds: the outputs in the state, news: Check's inputs).
 */

const mutating = (counts: Record<string, number>) => Object.keys(counts).filter((route) => /^(POST|PATCH|DELETE) \/v[0-9]\//.test(route));

describe('rpc: resourceGroup by name, targets by name', () => {
  const fx = useFixture();

  it('resolves a group name to its id at Check; the state keeps the id, and the name again is no diff', async () => {
    const f = fx();
    const news = { target: f.ids.subnet1, storageBucket: 'bucket-c', resourceGroup: 'network' };
    // Preview of the new resource.
    const checked = await f.check('rg', news);
    expect(checked.failures).to.deep.equal([]);
    expect(checked.inputs.resourceGroup).to.equal(f.ids.networkGroup);
    const planned = await f.create('rg', checked.inputs, { preview: true });
    // The preview shows the group by the name given too (Check found it), not as unknown.
    expect([planned.outputs.resourceGroup, planned.outputs.resourceGroupName]).to.deep.equal([f.ids.networkGroup, 'network']);

    // `up`: Check again, then Create with Check's inputs.
    const up = await f.check('rg', news);
    const created = await f.create('rg', up.inputs);
    const st = await f.collectorInState(created.id);
    expect(st.resource_group.id).to.equal(f.ids.networkGroup);
    expect([created.outputs.resourceGroup, created.outputs.resourceGroupName]).to.deep.equal([f.ids.networkGroup, 'network']);

    // The next preview, with the name still in the program: Check(olds = stored inputs), Diff(stored outputs).
    await f.newDeployment();
    const again = await f.check('rg', news, up.inputs);
    expect(again.failures).to.deep.equal([]);
    expect(again.inputs.resourceGroup).to.equal(f.ids.networkGroup);
    const d = await f.diff('rg', created.id, created.outputs, again.inputs, up.inputs);
    expect([d.changes, d.diffs]).to.deep.equal([DIFF.DIFF_NONE, []]);

    // Inputs that still hold the name (a Check before Configure leaves it) are the same group as the state's.
    expect((await f.diff('rg', created.id, created.outputs, { ...again.inputs, resourceGroup: 'network' }, up.inputs)).changes).to.equal(DIFF.DIFF_NONE);
    // The same group by id is no change either; another group by name replaces.
    const byId = await f.check('rg', { ...news, resourceGroup: f.ids.networkGroup }, up.inputs);
    expect((await f.diff('rg', created.id, created.outputs, byId.inputs, up.inputs)).changes).to.equal(DIFF.DIFF_NONE);
    const other = await f.check('rg', { ...news, resourceGroup: 'default' }, up.inputs);
    expect(other.inputs.resourceGroup).to.equal(f.ids.defaultGroup);
    const moved = await f.diff('rg', created.id, created.outputs, other.inputs, up.inputs);
    expect([moved.changes, moved.replaces, moved.detailedDiff]).to.deep.equal([DIFF.DIFF_SOME, ['resourceGroup'], { resourceGroup: KIND.UPDATE_REPLACE }]);
    await f.delete('rg', created.id, created.outputs);
  });

  it('resolves at Create a name that a Check before Configure left as given', async () => {
    const f = fx();
    const other = await f.otherPlugin();
    const checked = await other.check('rg', { target: f.ids.subnet2, storageBucket: 'bucket-c', resourceGroup: 'network' });
    expect([checked.failures, checked.inputs.resourceGroup]).to.deep.equal([[], 'network']);
    await other.configure();
    const created = await other.create('rg', checked.inputs);
    expect((await f.collectorInState(created.id)).resource_group.id).to.equal(f.ids.networkGroup);
    await other.delete('rg', created.id, created.outputs);
    // An unknown name there fails before anything is created.
    const error = await rpcError(other.create('rg2', { ...checked.inputs, target: f.ids.subnet1, resourceGroup: 'nope' }));
    expect(error.message).to.include('resourceGroup: no resource group is named "nope"');
    expect((await f.state()).collectors).to.deep.equal([]);
  });

  it('uses an id as is, without asking Resource Manager', async () => {
    const f = fx();
    await f.clearRequests();
    const checked = await f.check('rg', { target: f.ids.subnet1, storageBucket: 'bucket-c', resourceGroup: f.ids.defaultGroup });
    expect(checked.failures).to.deep.equal([]);
    expect(checked.inputs.resourceGroup).to.equal(f.ids.defaultGroup);
    const counts = await f.requestCounts();
    expect(Object.keys(counts).filter((r) => r.includes('/v2/resource_groups'))).to.deep.equal([]);
  });

  it('asks Resource Manager once per group name in a deployment, however many collectors name it', async () => {
    const f = fx();
    await f.clearRequests();
    const targets = [f.ids.subnet1, f.ids.subnet2, f.ids.vpc];
    const checked = await Promise.all(targets.map((target, i) => f.check(`rg-${i}`, { target, storageBucket: 'bucket-c', resourceGroup: 'network' })));
    expect(checked.map((c) => [c.failures, c.inputs.resourceGroup])).to.deep.equal(targets.map(() => [[], f.ids.networkGroup]));
    const counts = await f.requestCounts();
    expect(Object.entries(counts).filter(([r]) => r.includes('/v2/resource_groups')).map(([, n]) => n)).to.deep.equal([1]);
  });

  it('fails an unknown group name on resourceGroup with the value, the groups that exist and what to do; nothing is created', async () => {
    const f = fx();
    await f.clearRequests();
    const { failures } = await f.check('rg', { target: f.ids.subnet1, storageBucket: 'bucket-c', resourceGroup: 'netwrok' });
    expect(failures).to.have.length(1);
    expect(failures[0].property).to.equal('resourceGroup');
    expect(failures[0].reason).to.equal(
      'no resource group is named "netwrok" in the API key\'s account; the account\'s groups: "default", "network". ' +
        "Give an existing group's name or its id (32 lowercase hexadecimal characters; `ibmcloud resource groups` lists them), or leave resourceGroup unset for the account's default group",
    );
    expect(mutating(await f.requestCounts())).to.deep.equal([]);
    expect((await f.state()).collectors).to.deep.equal([]);
  });

  it('never shows a secret group name in its failure, also when Resource Manager does not answer', async () => {
    const f = fx();
    const { failures } = await f.check('rg', { target: f.ids.subnet1, storageBucket: 'bucket-c', resourceGroup: secret('hidden group/name') });
    expect(failures.map((x) => x.property)).to.deep.equal(['resourceGroup']);
    expect(failures[0].reason).to.include('(secret)').and.not.match(/hidden/);
    const other = await f.otherPlugin();
    await other.configureWith({ ...f.config, resourceManagerEndpoint: 'http://127.0.0.1:9' });
    const down = await other.check('rg', { target: f.ids.subnet1, storageBucket: 'bucket-c', resourceGroup: secret('hidden group/name') });
    expect(down.failures.map((x) => x.property)).to.deep.equal(['resourceGroup']);
    expect(down.failures[0].reason).to.match(/^could not look up the \(secret\) resource group name through Resource Manager: .*ECONNREFUSED/).and.not.match(/hidden/);
  });

  it('fails a target given by name with the value, the region, id-or-CRN and "did you mean"; nothing is created', async () => {
    const f = fx();
    await f.clearRequests();
    const byName = await f.check('web', { target: 'subnet-1', storageBucket: 'bucket-c' });
    expect(byName.failures).to.deep.equal([
      {
        property: 'target',
        reason:
          'no VPC, subnet, instance, network interface, virtual network interface or network attachment has the id or CRN "subnet-1" in region us-south, ' +
          `the provider's region; a target takes an id or a CRN, not a name: did you mean ${f.ids.subnet1} (the subnet named "subnet-1")?`,
      },
    ]);
    const vni = await f.check('web', { target: 'vni-spare', storageBucket: 'bucket-c' });
    expect(vni.failures[0].reason).to.include(`did you mean ${f.ids.vni} (the virtual network interface named "vni-spare")?`);
    const typo = await f.check('web', { target: 'subnet-9', storageBucket: 'bucket-c' });
    expect(typo.failures).to.deep.equal([
      {
        property: 'target',
        reason:
          'no VPC, subnet, instance, network interface, virtual network interface or network attachment has the id or CRN "subnet-9" in region us-south, ' +
          "the provider's region; a target takes an id or a CRN, not a name: check the value, or set ibmflowlogs:region to the region the target is in",
      },
    ]);
    expect(mutating(await f.requestCounts())).to.deep.equal([]);
    expect((await f.state()).collectors).to.deep.equal([]);
  });

  it('lists a few of the interfaces that share a name, and never compares a secret target with names', async () => {
    const f = fx();
    const eth0 = await f.check('web', { target: 'eth0', storageBucket: 'bucket-c' });
    expect(eth0.failures[0].reason).to.match(/did you mean \S+ \(the (network interface|network attachment) named "eth0"\), \S+ \(.*\) or \S+ \(.*\)\? \(\d+ targets have this name\)$/);
    const hidden = await f.check('web', { target: secret('subnet-1'), storageBucket: 'bucket-c' });
    expect(hidden.failures[0].reason).to.include('"(secret)"').and.not.include('subnet-1').and.not.include('did you mean');
  });
});
