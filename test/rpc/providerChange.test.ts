import { expect } from 'chai';
import { startEmulator } from '../../emulator/src';
import { engine as enginePb } from '../../provider/src/rpc/stubs';
import { DIFF, type Fixture, initFailureOf, rpcError, useFixture } from './support/fixture';
import { requests, secret } from './support/plugin';

/**
 * What a change of the provider's configuration does to its collectors, played in the engine's order:
 *
 * - the provider resource (pulumi/pulumi pkg/resource/deploy/providers/registry.go): Check loads a new plugin process
 *   and calls CheckConfig there, Diff calls DiffConfig in it; no replacement → Update → Configure (same provider id);
 *   DIFF_NONE → Same → Configure with the recorded inputs;
 * - each collector (pkg/resource/deploy/step_generator.go): Check with olds (continueStepsFromImport), then, with the
 *   provider id unchanged, the collector's own Diff (diff() → diffResource);
 * - when DiffConfig replaces, providerChanged() replaces every collector without calling its Diff: a second Check
 *   without olds in the new process (continueStepsFromDiff), then create-before-delete unless the resource option
 *   deleteBeforeReplace is set; the old collector is deleted by the old provider's process.
 */
const WARNING = enginePb.LogSeverity.WARNING;
const mutating = (counts: Record<string, number>) => Object.keys(counts).filter((route) => /^(POST|PATCH|DELETE) \/v1\//.test(route));

/** CheckConfig then DiffConfig in a plugin process, as the registry runs them for the provider resource. */
async function checkAndDiffConfig(p: Fixture, olds: Record<string, unknown>, news: Record<string, unknown>) {
  const checked = await p.checkConfig(news, olds);
  expect(checked.failures).to.deep.equal([]);
  const res = await p.plugin.call('diffConfig', requests.diffConfig(olds, checked.inputs));
  return { inputs: checked.inputs, changes: res.getChanges(), replaces: res.getReplacesList() as string[], diffs: res.getDiffsList() as string[] };
}

describe('rpc: a change of the provider configuration (engine flows)', () => {
  const fx = useFixture({ engine: true });

  it('an endpoint change (127.0.0.1 → localhost) updates the provider and leaves every collector untouched', async () => {
    const f = fx();
    const program = { target: f.ids.subnet1, storageBucket: 'bucket-c', name: 'web' };
    const p = await f.provision('web', program);
    const before = (await f.state()).collectors;
    const oldConfig = (await f.checkConfig(f.config)).inputs;
    const e = f.endpoints;
    const local = (url: string) => url.replace('127.0.0.1', 'localhost');

    const next = await f.otherPlugin();
    const config = await checkAndDiffConfig(next, oldConfig, { ...f.config, vpcEndpoint: local(e.vpcEndpoint), iamEndpoint: local(e.iamEndpoint), taggingEndpoint: local(e.taggingEndpoint) });
    expect([config.changes, config.replaces, config.diffs]).to.deep.equal([DIFF.DIFF_SOME, [], ['vpcEndpoint', 'iamEndpoint', 'taggingEndpoint']]);
    await next.configureWith(config.inputs);
    await f.clearRequests();
    // Same provider id: the collector gets its own Check and Diff, against localhost now.
    const checked = await next.check('web', program, p.inputs);
    expect(checked.failures).to.deep.equal([]);
    const d = await next.diff('web', p.id, p.outputs, checked.inputs, p.inputs);
    expect([d.changes, d.replaces]).to.deep.equal([DIFF.DIFF_NONE, []]);
    expect(mutating(await f.requestCounts())).to.deep.equal([]);
    expect((await f.state()).collectors).to.deep.equal(before);
  });

  it('an environment-only difference between machines whose effective settings agree is no diff, and leaves no value of either environment in the state', async () => {
    const f = fx();
    const e = f.endpoints;
    const program = { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'web' };
    // Machine A exports the IBMCLOUD_* names, with the VPC endpoint written with /v1/; machine B the IC_* names and
    // no region (the default is the same one).
    const machineA = { IBMCLOUD_API_KEY: e.apiKey, IBMCLOUD_REGION: 'us-south', IBMCLOUD_IS_NG_API_ENDPOINT: `${e.vpcEndpoint}/v1/`, IBMCLOUD_IAM_API_ENDPOINT: e.iamEndpoint, IBMCLOUD_GT_API_ENDPOINT: e.taggingEndpoint };
    const machineB = { IC_API_KEY: e.apiKey, IBMCLOUD_IS_NG_API_ENDPOINT: e.vpcEndpoint, IBMCLOUD_IAM_API_ENDPOINT: `${e.iamEndpoint}/`, IBMCLOUD_GT_API_ENDPOINT: e.taggingEndpoint };
    const a = await f.otherPlugin(machineA);
    const b = await f.otherPlugin(machineB);
    const onA = await a.checkConfig({});
    expect(onA).to.deep.equal({ inputs: {}, failures: [] });
    await a.configureWith(onA.inputs);
    const p = await a.provision('web', program);

    const onB = await checkAndDiffConfig(b, onA.inputs, {});
    expect([onB.changes, onB.replaces, onB.diffs]).to.deep.equal([DIFF.DIFF_NONE, [], []]);
    // A state written by an earlier version of the plugin, with machine A's values (and API key) spelled out, is no diff either.
    const spelledOut = { region: 'us-south', apiKey: secret(e.apiKey), vpcEndpoint: e.vpcEndpoint, iamEndpoint: e.iamEndpoint, taggingEndpoint: e.taggingEndpoint, private: false };
    expect((await checkAndDiffConfig(b, spelledOut, {})).changes).to.equal(DIFF.DIFF_NONE);

    // DIFF_NONE: the registry's Same configures B with the recorded inputs; the collector's Diff is DIFF_NONE.
    await b.configureWith(onA.inputs);
    const checked = await b.check('web', program, p.inputs);
    expect(checked.failures).to.deep.equal([]);
    expect((await b.diff('web', p.id, p.outputs, checked.inputs, p.inputs)).changes).to.equal(DIFF.DIFF_NONE);
  });

  it('a machine whose environment names another region sees no config diff, and neither refresh nor delete forgets the collector', async () => {
    const f = fx();
    const p = await f.provision('web', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'web' });
    // Another region's API: a second emulator, which has never heard of the collector.
    const elsewhere = await startEmulator({ log: () => undefined });
    try {
      const e = elsewhere.endpoints;
      const other = await f.otherPlugin({ IBMCLOUD_REGION: 'eu-de', IBMCLOUD_API_KEY: e.apiKey, IBMCLOUD_IS_NG_API_ENDPOINT: e.vpcEndpoint, IBMCLOUD_IAM_API_ENDPOINT: e.iamEndpoint, IBMCLOUD_GT_API_ENDPOINT: e.taggingEndpoint });
      const config = await checkAndDiffConfig(other, {}, {});
      expect(config.changes).to.equal(DIFF.DIFF_NONE);
      await other.configureWith(config.inputs);
      const refused = `flow log collector ${p.id} is in region us-south (its CRN says so), but this provider is configured for region eu-de, where it cannot be seen. Set the region the stack's collectors live in (pulumi config set ibmflowlogs:region us-south, or IBMCLOUD_REGION), then run again; nothing was changed.`;
      expect((await rpcError(other.read('web', p.id, p.outputs, p.inputs))).details).to.equal(refused);
      expect((await rpcError(other.delete('web', p.id, p.outputs))).details).to.equal(refused);
      expect((await f.state()).collectors.map((c: any) => c.id)).to.deep.equal([p.id]);
    } finally {
      await elsewhere.close();
    }
  });

  describe('a region change replaces the provider, and with it each collector (in a new plugin process)', () => {
    /** Up to the Create: the replacement's two Checks in the new process, after the provider's CheckConfig/DiffConfig. */
    async function replaceProvider(f: Fixture) {
      const program = { target: f.ids.subnet2, storageBucket: 'bucket-c' };
      const p = await f.provision('web', program);
      const oldConfig = (await f.checkConfig(f.config)).inputs;
      const next = await f.otherPlugin();
      // The emulator answers every region at its endpoints, so the collector's target is still there.
      const config = await checkAndDiffConfig(next, oldConfig, { ...f.config, region: 'us-east' });
      expect([config.changes, config.replaces]).to.deep.equal([DIFF.DIFF_SOME, ['region']]);
      await next.configureWith(config.inputs);
      const first = await next.check('web', program, p.inputs);
      expect(first.failures, 'Check with olds').to.deep.equal([]);
      const second = await next.check('web', program, {}, Buffer.from('another deployment').toString('base64'));
      expect(second.failures, 'Check without olds: the collector on the target is the one being replaced').to.deep.equal([]);
      expect(second.inputs.name).to.match(/^web-[0-9a-f]{7}$/).and.not.equal(p.inputs.name);
      return { p, next, inputs: second.inputs };
    }

    it('without deleteBeforeReplace, the create fails before anything changes and names the resource option', async () => {
      const f = fx();
      const { p, next, inputs } = await replaceProvider(f);
      const error = await rpcError(next.create('web', inputs));
      expect(error.details).to.contain('deleteBeforeReplace: true').and.contain('nothing was changed');
      expect(error.details).to.contain(`the target already has flow log collector "${p.inputs.name}" (${p.id}`);
      expect(initFailureOf(error), 'nothing was created').to.equal(undefined);
      expect((await f.state()).collectors.map((c: any) => c.id)).to.deep.equal([p.id]);
    });

    it('with deleteBeforeReplace, the old provider deletes the old collector, then the new one creates its replacement', async () => {
      const f = fx();
      const { p, next, inputs } = await replaceProvider(f);
      await f.delete('web', p.id, p.outputs); // the old provider's process
      const created = await next.create('web', inputs);
      expect((await f.state()).collectors.map((c: any) => [c.id, c.name])).to.deep.equal([[created.id, inputs.name]]);
      expect(created.outputs.coverage).to.deep.equal(p.outputs.coverage);
    });

    it('the preview of that replacement warns that it needs deleteBeforeReplace, and changes nothing', async () => {
      const f = fx();
      const { p, next, inputs } = await replaceProvider(f);
      await f.clearRequests();
      const preview = await next.create('web', inputs, { preview: true });
      expect(preview.id).to.equal('');
      expect(mutating(await f.requestCounts())).to.deep.equal([]);
      const warnings = f.engine!.messages.filter((m) => m.severity === WARNING).map((m) => m.message);
      expect(warnings).to.include(
        `this replacement must delete collector "${p.inputs.name}" (${p.id}) before it creates the new one, since a target can have only one collector: without the resource option deleteBeforeReplace: true, pulumi up fails at this resource (nothing is changed)`,
      );
    });
  });
});
