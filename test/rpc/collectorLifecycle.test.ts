import { expect } from 'chai';
import { coverageRows, under } from './support/coverage';
import { DIFF, eventually, type Fixture, KIND, type TopologyIds, useFixture } from './support/fixture';
import { requests, secret } from './support/plugin';

type TargetType = 'vpc' | 'subnet' | 'instance' | 'network_interface' | 'virtual_network_interface' | 'instance_network_attachment';

/**
 * The outputs a created collector must have, from what the emulator holds (GET /_emulator/state). `coverage`: the
 * interfaces under its target, as the only collector it wins them all.
 */
function expectedOutputs(st: any, inputs: Record<string, any>, targetType: TargetType, vpc: string, coverage: unknown[], extra: Record<string, unknown> = {}) {
  return {
    target: inputs.target,
    storageBucket: st.storage_bucket.name,
    name: st.name,
    active: st.active,
    resourceGroup: st.resource_group.id,
    resourceGroupName: st.resource_group.name,
    tags: [],
    accessTags: [],
    crn: st.crn,
    href: st.href,
    lifecycleState: st.lifecycle_state,
    createdAt: st.created_at,
    autoDelete: st.auto_delete,
    vpc,
    targetType,
    coverage,
    ...extra,
  };
}

const mutating = (counts: Record<string, number>) => Object.keys(counts).filter((route) => /^(POST|PATCH|DELETE) \/v1\//.test(route));

describe('rpc: FlowLogCollector create, update, replace, tags, delete', () => {
  const fx = useFixture();

  describe('Create with each target type', () => {
    const cases: Array<[string, (ids: TopologyIds) => string, (ids: TopologyIds) => string, TargetType]> = [
      ['a VPC by id', (i) => i.vpc, (i) => i.vpc, 'vpc'],
      ['a VPC by CRN', (i) => i.vpcCrn, (i) => i.vpc, 'vpc'],
      ['a subnet by id', (i) => i.subnet1, (i) => i.subnet1, 'subnet'],
      ['a subnet by CRN', (i) => i.subnet1Crn, (i) => i.subnet1, 'subnet'],
      ['an instance by id', (i) => i.instance1, (i) => i.instance1, 'instance'],
      ['an instance by CRN', (i) => i.instance1Crn, (i) => i.instance1, 'instance'],
      ['a network interface by id', (i) => i.nic, (i) => i.nic, 'network_interface'],
      ['a virtual network interface by id', (i) => i.vni, (i) => i.vni, 'virtual_network_interface'],
      ['a virtual network interface by CRN', (i) => i.vniCrn, (i) => i.vni, 'virtual_network_interface'],
      ['an instance network attachment by id', (i) => i.attachment, (i) => i.attachment, 'instance_network_attachment'],
    ];
    for (const [what, given, id, targetType] of cases) {
      it(`targets ${what}: outputs match the emulator's collector, stable`, async () => {
        const f = fx();
        const target = given(f.ids);
        const { inputs, id: collectorId, outputs } = await f.provision('flows', { target, storageBucket: 'bucket-c' });
        const state = await f.state();
        expect(state.collectors).to.have.length(1);
        const st = state.collectors[0];
        expect(collectorId).to.equal(st.id);
        expect(st.target.id).to.equal(id(f.ids));
        // IBM's InstanceReference carries no resource_type; its href says what it is.
        expect(st.target.resource_type ?? (/\/v1\/instances\/[^/]+$/.test(st.target.href) ? 'instance' : undefined)).to.equal(targetType);
        expect(st.lifecycle_state).to.equal('stable');
        expect(st.name).to.equal(inputs.name);
        expect(st.vpc.id).to.equal(f.ids.vpc);
        expect([st.resource_group.name, st.auto_delete, st.active]).to.deep.equal(['default', true, true]);
        const coverage = await coverageRows(f, under(targetType, id(f.ids)));
        expect(outputs).to.deep.equal(
          expectedOutputs(st, inputs, targetType, f.ids.vpc, coverage, { target, storageBucket: 'bucket-c', active: true, lifecycleState: 'stable', resourceGroupName: 'default', autoDelete: true }),
        );
      });
    }
  });

  it('waits on lifecycle_state only when it must: a create whose answer is already stable sends no poll', async () => {
    const f = fx();
    const { inputs } = await f.check('flows', { target: f.ids.subnet1, storageBucket: 'bucket-c', name: 'flows' });
    // The POST's answer is lost; the retried create looks the target up and finds the collector, stable by then.
    expect((await f.emulator.control('POST', '/faults', { method: 'POST', path: '/v1/flow_log_collectors', kind: 'lost-response', count: 1 })).status).to.equal(201);
    await f.clearRequests();
    const { id, outputs } = await f.create('flows', inputs);
    expect(outputs.lifecycleState).to.equal('stable');
    const counts = await f.requestCounts();
    expect(counts['POST /v1/flow_log_collectors']).to.equal(1);
    expect(counts['GET /v1/flow_log_collectors/{id}'] ?? 0, 'polls of the collector').to.equal(0);
    expect((await f.state()).collectors.map((c: any) => c.id)).to.deep.equal([id]);
  });

  it('creates in a given resource group, and inactive (suspended) when active is false', async () => {
    const f = fx();
    const { id, outputs } = await f.provision('quiet', { target: f.ids.subnet2, storageBucket: 'bucket-e', resourceGroup: f.ids.networkGroup, active: false, name: 'quiet' });
    const st = await f.collectorInState(id);
    expect(st.active).to.equal(false);
    expect(st.lifecycle_state).to.equal('suspended');
    expect(st.resource_group.id).to.equal(f.ids.networkGroup);
    // Suspended, it still wins subnet-2's interfaces (README.md, "What the provider does"): they are its coverage,
    // though they get no logs.
    const coverage = await coverageRows(f, under('subnet', f.ids.subnet2));
    expect(coverage).to.have.length(3);
    expect(outputs).to.deep.equal(expectedOutputs(st, { target: f.ids.subnet2 }, 'subnet', f.ids.vpc, coverage, { resourceGroupName: 'network', lifecycleState: 'suspended', active: false, name: 'quiet' }));
  });

  it('keeps secret inputs secret in the outputs derived from them, in every answer the engine stores (Create, Update, Read)', async () => {
    const f = fx();
    const { id, inputs, outputs } = await f.provision('hidden', { target: secret(f.ids.subnet1), storageBucket: secret('bucket-c'), name: 'hidden' });
    const hidden = (o: Record<string, any>, what: string) => {
      expect(o.storageBucket, what).to.deep.equal(secret('bucket-c'));
      expect(o.target, what).to.deep.equal(secret(f.ids.subnet1));
      expect(o.targetType, what).to.deep.equal(secret('subnet'));
      expect(o.vpc, what).to.deep.equal(secret(f.ids.vpc));
      expect(o.coverage, what).to.have.property('value');
      expect(o.name, what).to.equal('hidden');
    };
    hidden(outputs, 'create');
    const renamed = await f.check('hidden', { target: secret(f.ids.subnet1), storageBucket: secret('bucket-c'), name: 'hidden-2' }, inputs);
    const updated = await f.update('hidden', id, outputs, renamed.inputs);
    hidden({ ...updated, name: 'hidden' }, 'update');
    const read = await f.read('hidden', id, updated, renamed.inputs);
    hidden({ ...read.outputs, name: 'hidden' }, 'read');
    expect([read.inputs.target, read.inputs.storageBucket]).to.deep.equal([secret(f.ids.subnet1), secret('bucket-c')]);
  });

  describe('Update in place', () => {
    it('rename: Diff says UPDATE on name only; Update PATCHes the name', async () => {
      const f = fx();
      const p = await f.provision('web', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'web-one' });
      const news = await f.check('web', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'web-two' }, p.inputs);
      expect(news.failures).to.deep.equal([]);
      expect(await f.diff('web', p.id, p.outputs, news.inputs, p.inputs)).to.deep.equal({
        changes: DIFF.DIFF_SOME,
        replaces: [],
        diffs: ['name'],
        detailedDiff: { name: KIND.UPDATE },
        hasDetailedDiff: true,
        deleteBeforeReplace: true,
      });
      await f.clearRequests();
      const outputs = await f.update('web', p.id, p.outputs, news.inputs);
      expect(outputs).to.deep.equal({ ...p.outputs, name: 'web-two' });
      const counts = await f.requestCounts();
      expect(mutating(counts)).to.deep.equal(['PATCH /v1/flow_log_collectors/{id}']);
      expect(counts['PATCH /v1/flow_log_collectors/{id}']).to.equal(1);
      const st = await f.collectorInState(p.id);
      expect([st.name, st.lifecycle_state]).to.deep.equal(['web-two', 'stable']);
    });

    it('suspend then resume: Diff says UPDATE on active; the collector goes suspended, then stable again', async () => {
      const f = fx();
      const p = await f.provision('web', { target: f.ids.instance1, storageBucket: 'bucket-c' });
      const off = await f.check('web', { target: f.ids.instance1, storageBucket: 'bucket-c', active: false }, p.inputs);
      const d1 = await f.diff('web', p.id, p.outputs, off.inputs, p.inputs);
      expect(d1).to.deep.equal({ changes: DIFF.DIFF_SOME, replaces: [], diffs: ['active'], detailedDiff: { active: KIND.UPDATE }, hasDetailedDiff: true, deleteBeforeReplace: true });
      const suspended = await f.update('web', p.id, p.outputs, off.inputs);
      expect(suspended).to.deep.equal({ ...p.outputs, active: false, lifecycleState: 'suspended' });
      let st = await f.collectorInState(p.id);
      expect([st.active, st.lifecycle_state]).to.deep.equal([false, 'suspended']);

      const on = await f.check('web', { target: f.ids.instance1, storageBucket: 'bucket-c' }, off.inputs);
      expect(on.inputs.active).to.equal(true);
      const d2 = await f.diff('web', p.id, suspended, on.inputs, off.inputs);
      expect(d2.detailedDiff).to.deep.equal({ active: KIND.UPDATE });
      expect(d2.replaces).to.deep.equal([]);
      const resumed = await f.update('web', p.id, suspended, on.inputs);
      expect(resumed).to.deep.equal({ ...p.outputs, active: true, lifecycleState: 'stable' });
      st = await f.collectorInState(p.id);
      expect([st.active, st.lifecycle_state]).to.deep.equal([true, 'stable']);
      expect((await f.state()).collectors).to.have.length(1);
    });

    it('the same target given by CRN instead of id is no change', async () => {
      const f = fx();
      const p = await f.provision('web', { target: f.ids.subnet1, storageBucket: 'bucket-c', name: 'web' });
      const news = await f.check('web', { target: f.ids.subnet1Crn, storageBucket: 'bucket-c', name: 'web' }, p.inputs);
      const d = await f.diff('web', p.id, p.outputs, news.inputs, p.inputs);
      expect(d.replaces).to.deep.equal([]);
      expect(d.detailedDiff).to.deep.equal({});
      expect(d.changes).to.equal(DIFF.DIFF_NONE);
    });
  });

  describe('Replace', () => {
    // Every replacement deletes first: a target holds one collector (and a VPC one name), so a create-first one
    // could only succeed when both change, and the engine also takes the flag for replaceOnChanges.
    const replaceCases: Array<[string, (f: Fixture) => Record<string, unknown>, string]> = [
      ['the bucket', (f) => ({ target: f.ids.vpc, storageBucket: 'bucket-e', name: 'web' }), 'storageBucket'],
      ['the target, same name', (f) => ({ target: f.ids.subnet1, storageBucket: 'bucket-c', name: 'web' }), 'target'],
      ['the target and the name', (f) => ({ target: f.ids.subnet1, storageBucket: 'bucket-c', name: 'web-subnet' }), 'target'],
      ['the resource group', (f) => ({ target: f.ids.vpc, storageBucket: 'bucket-c', name: 'web', resourceGroup: f.ids.networkGroup }), 'resourceGroup'],
    ];
    for (const [what, news, key] of replaceCases) {
      it(`a change of ${what}: UPDATE_REPLACE on ${key}, deleteBeforeReplace true`, async () => {
        const f = fx();
        const p = await f.provision('web', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'web' });
        const checked = await f.check('web', news(f), p.inputs);
        expect(checked.failures).to.deep.equal([]);
        const d = await f.diff('web', p.id, p.outputs, checked.inputs, p.inputs);
        const changed = key === 'target' && checked.inputs.name !== 'web' ? { target: KIND.UPDATE_REPLACE, name: KIND.UPDATE } : { [key]: KIND.UPDATE_REPLACE };
        expect(d).to.deep.equal({
          changes: DIFF.DIFF_SOME,
          replaces: [key],
          diffs: Object.keys(changed),
          detailedDiff: changed,
          hasDetailedDiff: true,
          deleteBeforeReplace: true,
        });
      });
    }

    it('the engine replaces a bucket change delete-first: Delete, Check with empty olds, Create', async () => {
      const f = fx();
      const p = await f.provision('web', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'web' });
      await f.delete('web', p.id, p.outputs);
      const next = await f.provision('web', { target: f.ids.vpc, storageBucket: 'bucket-e', name: 'web' });
      const collectors = (await f.state()).collectors;
      expect(collectors.map((c: any) => [c.id, c.storage_bucket.name, c.name])).to.deep.equal([[next.id, 'bucket-e', 'web']]);
      expect(next.id).to.not.equal(p.id);
    });

    it('with the resource option deleteBeforeReplace: false, a target and name change still replaces create-first: Create, then Delete', async () => {
      const f = fx();
      const p = await f.provision('web', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'web' });
      const next = await f.provision('web', { target: f.ids.subnet1, storageBucket: 'bucket-c', name: 'web-subnet' });
      expect((await f.state()).collectors).to.have.length(2);
      await f.delete('web', p.id, p.outputs);
      const collectors = (await f.state()).collectors;
      expect(collectors.map((c: any) => [c.id, c.target.id])).to.deep.equal([[next.id, f.ids.subnet1]]);
    });
  });

  it('tags: attached at create, changed in place (detach + attach), detached when removed', async () => {
    const f = fx();
    const p = await f.provision('web', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'web', tags: ['env:dev', 'team:net'] });
    expect(p.outputs.tags).to.deep.equal(['env:dev', 'team:net']);
    expect((await f.state()).tags).to.deep.equal({ [p.outputs.crn]: ['env:dev', 'team:net'] });

    const retag = await f.check('web', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'web', tags: ['env:prod', 'team:net'] }, p.inputs);
    const d = await f.diff('web', p.id, p.outputs, retag.inputs, p.inputs);
    expect(d).to.deep.equal({ changes: DIFF.DIFF_SOME, replaces: [], diffs: ['tags'], detailedDiff: { tags: KIND.UPDATE }, hasDetailedDiff: true, deleteBeforeReplace: true });
    await f.clearRequests();
    const retagged = await f.update('web', p.id, p.outputs, retag.inputs);
    expect(retagged.tags).to.deep.equal(['env:prod', 'team:net']);
    const counts = await f.requestCounts();
    expect([counts['POST /v3/tags/detach'], counts['POST /v3/tags/attach']]).to.deep.equal([1, 1]);
    expect(mutating(counts)).to.deep.equal([]); // no PATCH of the collector for a tag change
    expect((await f.state()).tags).to.deep.equal({ [p.outputs.crn]: ['env:prod', 'team:net'] });

    const untag = await f.check('web', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'web' }, retag.inputs);
    const d2 = await f.diff('web', p.id, retagged, untag.inputs, retag.inputs);
    expect(d2.detailedDiff).to.deep.equal({ tags: KIND.DELETE });
    const untagged = await f.update('web', p.id, retagged, untag.inputs);
    expect(untagged.tags).to.deep.equal([]);
    expect((await f.state()).tags).to.deep.equal({});
  });

  describe('Delete', () => {
    it('waits until the collector is gone (deleting for 2 s on the emulator clock)', async () => {
      const f = fx();
      const p = await f.provision('web', { target: f.ids.vpc, storageBucket: 'bucket-c' });
      await f.emulator.control('POST', '/config', { deletingSeconds: 2 });
      let settled = false;
      const deleting = f.delete('web', p.id, p.outputs).finally(() => (settled = true));
      await f.clearRequests();
      // The plugin has polled the deleting collector twice and still not returned.
      await eventually(async () => ((await f.requestCounts())['GET /v1/flow_log_collectors/{id}'] >= 2 ? true : undefined), 'two polls of the deleting collector');
      expect((await f.collectorInState(p.id)).lifecycle_state).to.equal('deleting');
      expect(settled, 'Delete returned while the collector was still deleting').to.equal(false);
      await f.emulator.control('POST', '/clock/advance', { seconds: 2 });
      await deleting;
      expect((await f.state()).collectors).to.deep.equal([]);
    });

    it('deleting a collector that is already gone succeeds', async () => {
      const f = fx();
      const p = await f.provision('web', { target: f.ids.vpc, storageBucket: 'bucket-c' });
      await f.delete('web', p.id, p.outputs);
      expect((await f.state()).collectors).to.deep.equal([]);
      await f.delete('web', p.id, p.outputs);
      await f.delete('web', 'r006-00000000-0000-0000-0000-000000000000', {});
      expect((await f.state()).collectors).to.deep.equal([]);
    });
  });

  it('an unknown type token is refused', async () => {
    const f = fx();
    const req = requests.check('web', { target: f.ids.vpc, storageBucket: 'bucket-c' });
    req.setType('ibmflowlogs:index:Nope');
    const error = await f.plugin.call('check', req).then(
      () => undefined,
      (e) => e,
    );
    expect(error?.details).to.equal('unknown resource type "ibmflowlogs:index:Nope"; this provider offers ibmflowlogs:index:FlowLogCollector, ibmflowlogs:index:BucketAuthorization');
  });
});
