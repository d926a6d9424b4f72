import { expect } from 'chai';
import { engine as enginePb } from '../../provider/src/rpc/stubs';
import { DIFF, type Fixture, initFailureOf, KIND, rpcError, useFixture } from './support/fixture';
import { UNKNOWN } from './support/plugin';

/**
 * Replacements the engine decides without the provider's Diff, or against its answer, played in the engine's order
 * (pulumi/pulumi pkg/resource/deploy/step_generator.go):
 *
 * - `pulumi up --replace URN`: isTargetedReplace → continueStepsFromImport runs Check without olds, diff() answers a
 *   replacement (ReplaceKeys ["id"]) without calling the provider, continueStepsFromDiff skips the second Check;
 *   delete-before-replace only with the resource option. Each deployment has plugin processes of its own, so the one
 *   that replaces has seen nothing of the resource.
 * - `replaceOnChanges`: the provider's in-place Diff becomes a replacement (applyReplaceOnChanges keeps the provider's
 *   DeleteBeforeReplace), then a Check without olds, then Delete and Create when delete-first.
 */
const WARNING = enginePb.LogSeverity.WARNING;
const mutating = (counts: Record<string, number>) => Object.keys(counts).filter((route) => /^(POST|PATCH|DELETE) \/v1\//.test(route));
const ANOTHER_SEED = Buffer.from('the replacing deployment').toString('base64');

describe('rpc: replacements the engine drives', () => {
  const fx = useFixture({ engine: true });

  describe('pulumi up --replace', () => {
    for (const [what, program] of [
      ['an autonamed collector', (f: Fixture) => ({ target: f.ids.instance1, storageBucket: 'bucket-c' })],
      ['a named collector', (f: Fixture) => ({ target: f.ids.instance1, storageBucket: 'bucket-c', name: 'web' })],
    ] as const) {
      it(`${what}: the Check without olds in a fresh process passes; without deleteBeforeReplace the create fails before anything changes`, async () => {
        const f = fx();
        const p = await f.provision('web', program(f));
        const next = await f.otherPlugin();
        await next.configure();
        const checked = await next.check('web', program(f), {}, ANOTHER_SEED);
        expect(checked.failures).to.deep.equal([]);

        // Preview: the warning, and no change.
        await f.clearRequests();
        f.engine!.messages.length = 0;
        await next.create('web', checked.inputs, { preview: true });
        expect(mutating(await f.requestCounts())).to.deep.equal([]);
        expect(f.engine!.messages.filter((m) => m.severity === WARNING).map((m) => m.message)).to.include(
          `this replacement must delete collector "${p.inputs.name}" (${p.id}) before it creates the new one, since a target can have only one collector: without the resource option deleteBeforeReplace: true, pulumi up fails at this resource (nothing is changed)`,
        );

        // Create-before-delete: the create is refused, naming the option; the old collector stays as it was.
        const error = await rpcError(next.create('web', checked.inputs));
        expect(error.details).to.contain('Set the resource option deleteBeforeReplace: true on this resource');
        expect(initFailureOf(error)).to.equal(undefined);
        expect((await f.state()).collectors.map((c: any) => c.id)).to.deep.equal([p.id]);
      });
    }

    it('with deleteBeforeReplace: Delete, then Create, in the same fresh process; one collector afterwards', async () => {
      const f = fx();
      const program = { target: f.ids.instance1, storageBucket: 'bucket-c' };
      const p = await f.provision('web', program);
      const next = await f.otherPlugin();
      await next.configure();
      const checked = await next.check('web', program, {}, ANOTHER_SEED);
      expect(checked.failures).to.deep.equal([]);
      f.engine!.messages.length = 0;
      await next.delete('web', p.id, p.outputs);
      const created = await next.create('web', checked.inputs);
      expect((await f.state()).collectors.map((c: any) => [c.id, c.name])).to.deep.equal([[created.id, checked.inputs.name]]);
      // The same target, bucket and activity: where every interface's logs go is unchanged, so no warning.
      expect(f.engine!.messages.filter((m) => m.severity === WARNING)).to.deep.equal([]);
      expect(created.outputs.coverage).to.deep.equal(p.outputs.coverage);
    });

    it('a collector that merely sits on the target is still refused at Check, with the import command', async () => {
      const f = fx();
      const made = await f.emulator.createCollector({ target: { id: f.ids.instance1 }, storage_bucket: { name: 'bucket-e' }, name: 'by-hand' });
      const next = await f.otherPlugin();
      await next.configure();
      const res = await next.check('web', { target: f.ids.instance1, storageBucket: 'bucket-c' }, {}, ANOTHER_SEED);
      expect(res.failures.map((x) => x.property)).to.deep.equal(['target']);
      expect(res.failures[0].reason).to.contain(`pulumi import ibmflowlogs:index:FlowLogCollector web ${made.id}`);
    });
  });

  describe('replaceOnChanges', () => {
    it('the in-place Diff the engine turns into a replacement already asks to delete first: Delete, Check without olds, Create', async () => {
      const f = fx();
      const p = await f.provision('web', { target: f.ids.subnet1, storageBucket: 'bucket-c', name: 'web-one' });
      const program = { target: f.ids.subnet1, storageBucket: 'bucket-c', name: 'web-two' };
      const checked = await f.check('web', program, p.inputs);
      const d = await f.diff('web', p.id, p.outputs, checked.inputs, p.inputs);
      // In place to the provider (name is PATCHed); replaceOnChanges: ["name"] makes it a replacement, and the
      // engine takes deleteBeforeReplace from this answer.
      expect(d).to.deep.include({ changes: DIFF.DIFF_SOME, replaces: [], detailedDiff: { name: KIND.UPDATE }, deleteBeforeReplace: true });
      const again = await f.check('web', program, {});
      expect(again.failures).to.deep.equal([]);
      await f.delete('web', p.id, p.outputs);
      const created = await f.create('web', again.inputs);
      expect((await f.state()).collectors.map((c: any) => [c.id, c.name])).to.deep.equal([[created.id, 'web-two']]);
    });
  });

  it('in preview, a value not known yet diffs as UPDATE (UPDATE_REPLACE for a replacing key), never as a delete', async () => {
    const f = fx();
    const p = await f.provision('web', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'web', tags: ['env:dev'] });
    const news = { target: UNKNOWN, storageBucket: UNKNOWN, name: UNKNOWN, active: true, tags: UNKNOWN };
    const checked = await f.check('web', news, p.inputs);
    expect(checked.failures).to.deep.equal([]);
    const d = await f.diff('web', p.id, p.outputs, checked.inputs, p.inputs);
    expect(d.detailedDiff).to.deep.equal({ target: KIND.UPDATE_REPLACE, storageBucket: KIND.UPDATE_REPLACE, name: KIND.UPDATE, tags: KIND.UPDATE });
    expect(d.replaces).to.deep.equal(['target', 'storageBucket']);
    expect(d.deleteBeforeReplace).to.equal(true);
  });
});
