import { expect } from 'chai';
import { coverageRows, under } from './support/coverage';
import { DIFF, KIND, rpcError, useFixture } from './support/fixture';

/**
 * Refresh (pulumi/pulumi pkg/resource/deploy/step.go RefreshStep.Apply): Read(id, state, inputs), then Diff with
 * inverted polarity: the read state and inputs as olds and old inputs, the pre-refresh inputs as news, and the
 * resource's ignoreChanges passed along unapplied (step_generator.go diffResource).
 * Import (step.go ImportStep.Apply, step_generator.go continueStepsFromImport): Read(id only) → Check(program inputs,
 * read inputs) → Diff(checked inputs, read state), which must be empty.
 */
describe('rpc: refresh and import', () => {
  const fx = useFixture();

  describe('refresh', () => {
    it('with no drift, Read returns the same inputs and outputs, and the inverted Diff is DIFF_NONE', async () => {
      const f = fx();
      const p = await f.provision('web', { target: f.ids.subnet1Crn, storageBucket: 'bucket-c', tags: ['env:dev'] });
      const read = await f.read('web', p.id, p.outputs, p.inputs);
      expect(read.id).to.equal(p.id);
      expect(read.outputs).to.deep.equal(p.outputs);
      expect(read.inputs).to.deep.equal(p.inputs);
      const d = await f.diff('web', p.id, read.outputs, p.inputs, read.inputs);
      expect(d.changes).to.equal(DIFF.DIFF_NONE);
      expect(d.detailedDiff).to.deep.equal({});
    });

    it('after an out-of-band DELETE, Read answers an empty id (the collector is gone)', async () => {
      const f = fx();
      const p = await f.provision('web', { target: f.ids.vpc, storageBucket: 'bucket-c' });
      expect((await f.emulator.vpc('DELETE', `/v1/flow_log_collectors/${p.id}`)).status).to.equal(204);
      expect((await f.state()).collectors).to.deep.equal([]);
      const read = await f.read('web', p.id, p.outputs, p.inputs);
      expect(read).to.deep.equal({ id: '', outputs: {}, inputs: {} });
    });

    it('after an out-of-band suspend, Read returns active false and the inverted Diff reports active changed', async () => {
      const f = fx();
      const p = await f.provision('web', { target: f.ids.instance1, storageBucket: 'bucket-c' });
      const patched = await f.emulator.vpc('PATCH', `/v1/flow_log_collectors/${p.id}`, { body: { active: false } });
      expect(patched.status).to.equal(200);
      const read = await f.read('web', p.id, p.outputs, p.inputs);
      expect(read.id).to.equal(p.id);
      expect(read.outputs).to.deep.equal({ ...p.outputs, active: false, lifecycleState: 'suspended' });
      expect(read.inputs).to.deep.equal({ ...p.inputs, active: false });
      // The engine's refresh diff: read state as olds, the inputs before refresh as news.
      const d = await f.diff('web', p.id, read.outputs, p.inputs, read.inputs);
      expect(d).to.deep.equal({
        changes: DIFF.DIFF_SOME,
        replaces: [],
        diffs: ['active'],
        detailedDiff: { active: KIND.UPDATE },
        hasDetailedDiff: true,
        deleteBeforeReplace: true,
      });
      // And the next `pulumi up` (program still says active) resumes it in place.
      const next = await f.check('web', { target: f.ids.instance1, storageBucket: 'bucket-c' }, read.inputs);
      const up = await f.diff('web', p.id, read.outputs, next.inputs, read.inputs);
      expect(up.detailedDiff).to.deep.equal({ active: KIND.UPDATE });
      expect(up.replaces).to.deep.equal([]);
    });

    it('after an out-of-band rename and retag, the inverted Diff reports name and tags', async () => {
      const f = fx();
      const p = await f.provision('web', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'web', tags: ['env:dev'] });
      expect((await f.emulator.vpc('PATCH', `/v1/flow_log_collectors/${p.id}`, { body: { name: 'renamed' } })).status).to.equal(200);
      const token = await f.emulator.accessToken();
      const attach = await f.emulator.raw('POST', `${f.endpoints.taggingEndpoint}/v3/tags/attach?tag_type=user`, {
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ resources: [{ resource_id: p.outputs.crn }], tag_names: ['owner:ops'] }),
      });
      expect(attach.status).to.equal(200);
      const read = await f.read('web', p.id, p.outputs, p.inputs);
      expect(read.outputs.name).to.equal('renamed');
      expect(read.outputs.tags).to.deep.equal(['env:dev', 'owner:ops']);
      const d = await f.diff('web', p.id, read.outputs, p.inputs, read.inputs);
      expect(d.detailedDiff).to.deep.equal({ name: KIND.UPDATE, tags: KIND.UPDATE });
      expect(d.replaces).to.deep.equal([]);
    });
  });

  describe('refresh with ignoreChanges', () => {
    it('drift in ignored properties is no diff; drift in the others still is', async () => {
      const f = fx();
      const p = await f.provision('web', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'web', tags: ['env:dev'] });
      // Out of band: a rename, a new tag, and a suspend.
      expect((await f.emulator.vpc('PATCH', `/v1/flow_log_collectors/${p.id}`, { body: { name: 'renamed', active: false } })).status).to.equal(200);
      const token = await f.emulator.accessToken();
      await f.emulator.raw('POST', `${f.endpoints.taggingEndpoint}/v3/tags/attach?tag_type=user`, {
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ resources: [{ resource_id: p.outputs.crn }], tag_names: ['owner:ops'] }),
      });
      const read = await f.read('web', p.id, p.outputs, p.inputs);
      const refreshDiff = (ignoreChanges: string[]) => f.diff('web', p.id, read.outputs, p.inputs, read.inputs, ignoreChanges);

      expect((await refreshDiff([])).detailedDiff).to.deep.equal({ name: KIND.UPDATE, active: KIND.UPDATE, tags: KIND.UPDATE });
      expect((await refreshDiff(['tags'])).detailedDiff).to.deep.equal({ name: KIND.UPDATE, active: KIND.UPDATE });
      expect((await refreshDiff(['tags[1]', 'name'])).detailedDiff).to.deep.equal({ active: KIND.UPDATE });
      const none = await refreshDiff(['tags', 'name', 'active']);
      expect([none.changes, none.detailedDiff, none.diffs]).to.deep.equal([DIFF.DIFF_NONE, {}, []]);
    });

    it('a malformed ignoreChanges path is refused with the path and what is wrong', async () => {
      const f = fx();
      const p = await f.provision('web', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'web' });
      const error = await rpcError(f.diff('web', p.id, p.outputs, p.inputs, p.inputs, ['tags[x']));
      expect(error.details).to.equal('"tags[x" is not a property path: an index has no closing "]"');
    });
  });

  describe('import by id alone', () => {
    it('Read(id) returns inputs; Check(program, read inputs) then Diff(checked, read state) is DIFF_NONE', async () => {
      const f = fx();
      const made = await f.emulator.createCollector({ target: { id: f.ids.subnet2 }, storage_bucket: { name: 'bucket-e' }, name: 'by-hand' });
      const read = await f.read('adopted', made.id);
      expect(read.id).to.equal(made.id);
      expect(read.inputs).to.deep.equal({ target: f.ids.subnet2, storageBucket: 'bucket-e', name: 'by-hand', active: true, resourceGroup: f.ids.defaultGroup });
      const st = await f.collectorInState(made.id);
      expect(read.outputs).to.deep.equal({
        target: f.ids.subnet2,
        storageBucket: 'bucket-e',
        name: 'by-hand',
        active: true,
        resourceGroup: f.ids.defaultGroup,
        resourceGroupName: 'default',
        tags: [],
        accessTags: [],
        crn: st.crn,
        href: st.href,
        lifecycleState: 'stable',
        createdAt: st.created_at,
        autoDelete: true,
        vpc: f.ids.vpc,
        targetType: 'subnet',
        // The only collector: it receives every interface of subnet-2.
        coverage: await coverageRows(f, under('subnet', f.ids.subnet2)),
      });

      const program = { target: f.ids.subnet2, storageBucket: 'bucket-e', name: 'by-hand' };
      const checked = await f.check('adopted', program, read.inputs);
      expect(checked.failures).to.deep.equal([]);
      const d = await f.diff('adopted', made.id, read.outputs, checked.inputs, read.inputs);
      expect(d.changes).to.equal(DIFF.DIFF_NONE);
      expect(d.replaces).to.deep.equal([]);
      expect(d.detailedDiff).to.deep.equal({});
    });

    it('a program that leaves name to the default keeps the imported name: DIFF_NONE', async () => {
      const f = fx();
      const made = await f.emulator.createCollector({ target: { id: f.ids.vpc }, storage_bucket: { name: 'bucket-c' }, name: 'by-hand' });
      const read = await f.read('adopted', made.id);
      const checked = await f.check('adopted', { target: f.ids.vpc, storageBucket: 'bucket-c' }, read.inputs);
      expect(checked.inputs.name).to.equal('by-hand');
      expect((await f.diff('adopted', made.id, read.outputs, checked.inputs, read.inputs)).changes).to.equal(DIFF.DIFF_NONE);
    });

    it('a tagged, suspended collector whose program gives its target by CRN: DIFF_NONE', async () => {
      const f = fx();
      const made = await f.emulator.createCollector({ target: { id: f.ids.instance1 }, storage_bucket: { name: 'bucket-c' }, name: 'by-hand', active: false });
      const token = await f.emulator.accessToken();
      await f.emulator.raw('POST', `${f.endpoints.taggingEndpoint}/v3/tags/attach?tag_type=user`, {
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ resources: [{ resource_id: made.crn }], tag_names: ['env:dev'] }),
      });
      const read = await f.read('adopted', made.id);
      expect(read.inputs).to.deep.equal({ target: f.ids.instance1, storageBucket: 'bucket-c', name: 'by-hand', active: false, resourceGroup: f.ids.defaultGroup, tags: ['env:dev'] });
      const program = { target: f.ids.instance1Crn, storageBucket: 'bucket-c', name: 'by-hand', active: false, tags: ['env:dev'] };
      const checked = await f.check('adopted', program, read.inputs);
      expect(checked.failures).to.deep.equal([]);
      const d = await f.diff('adopted', made.id, read.outputs, checked.inputs, read.inputs);
      expect(d.detailedDiff).to.deep.equal({});
      expect(d.changes).to.equal(DIFF.DIFF_NONE);
    });

    it('a program that differs from the collector shows the difference (a different bucket replaces)', async () => {
      const f = fx();
      const made = await f.emulator.createCollector({ target: { id: f.ids.vpc }, storage_bucket: { name: 'bucket-c' }, name: 'by-hand' });
      const read = await f.read('adopted', made.id);
      const checked = await f.check('adopted', { target: f.ids.vpc, storageBucket: 'bucket-e', name: 'by-hand' }, read.inputs);
      const d = await f.diff('adopted', made.id, read.outputs, checked.inputs, read.inputs);
      expect(d.changes).to.equal(DIFF.DIFF_SOME);
      expect(d.detailedDiff).to.deep.equal({ storageBucket: KIND.UPDATE_REPLACE });
      expect(d.replaces).to.deep.equal(['storageBucket']);
    });

    it('importing an id that does not exist reads as gone (empty id)', async () => {
      const read = await fx().read('adopted', 'r006-00000000-0000-0000-0000-000000000000');
      expect(read.id).to.equal('');
    });
  });
});
