import { expect } from 'chai';
import { TaggingClient } from '../../provider/src/ibm';
import { ibmConnectionOf } from '../support/emulator';
import { DIFF, initFailureOf, KIND, rpcError, useFixture } from './support/fixture';

/**
 * `accessTags` through the real plugin against the emulator's Global Tagging (`tag_type=access`), in the engine's
 * order for each flow: Check then Create (step_generator.go's create step), Check then Diff then Update (an update
 * step), Read with the recorded state and inputs (refresh).
 */
describe('rpc: FlowLogCollector accessTags', () => {
  const fx = useFixture();
  let tagging: TaggingClient;
  afterEach(() => tagging?.destroy());

  async function defineAccessTags(tags: string[]): Promise<void> {
    tagging = new TaggingClient(ibmConnectionOf(fx().endpoints));
    await tagging.createAccessTags(tags);
  }

  it('round-trips: attached at create apart from user tags, changed in place, read back by refresh, detached when removed', async () => {
    const f = fx();
    await defineAccessTags(['env:prod', 'cost-center:1234']);
    const p = await f.provision('web', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'web', tags: ['owner:ops'], accessTags: ['env:prod'] });
    expect([p.outputs.tags, p.outputs.accessTags]).to.deep.equal([['owner:ops'], ['env:prod']]);
    let state = await f.state();
    expect(state.accessTags.attached).to.deep.equal({ [p.outputs.crn]: ['env:prod'] });
    expect(state.tags).to.deep.equal({ [p.outputs.crn]: ['owner:ops'] });

    const more = await f.check('web', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'web', tags: ['owner:ops'], accessTags: ['env:prod', 'cost-center:1234'] }, p.inputs);
    const d = await f.diff('web', p.id, p.outputs, more.inputs, p.inputs);
    expect(d).to.deep.equal({ changes: DIFF.DIFF_SOME, replaces: [], diffs: ['accessTags'], detailedDiff: { accessTags: KIND.UPDATE }, hasDetailedDiff: true, deleteBeforeReplace: true });
    await f.clearRequests();
    const updated = await f.update('web', p.id, p.outputs, more.inputs);
    expect(updated.accessTags).to.deep.equal(['env:prod', 'cost-center:1234']);
    const counts = await f.requestCounts();
    expect([counts['POST /v3/tags/attach'], counts['POST /v3/tags/detach'], counts['PATCH /v1/flow_log_collectors/{id}']]).to.deep.equal([1, undefined, undefined]);
    expect((await f.state()).accessTags.attached).to.deep.equal({ [p.outputs.crn]: ['cost-center:1234', 'env:prod'] });

    const read = await f.read('web', p.id, updated, more.inputs);
    expect([read.outputs.accessTags, read.inputs.accessTags]).to.deep.equal([['cost-center:1234', 'env:prod'], ['cost-center:1234', 'env:prod']]);
    const same = await f.diff('web', p.id, read.outputs, more.inputs, read.inputs);
    expect(same.changes, 'refresh then the same program: no diff (access tags compare in any order)').to.equal(DIFF.DIFF_NONE);

    const none = await f.check('web', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'web', tags: ['owner:ops'] }, more.inputs);
    expect((await f.diff('web', p.id, updated, none.inputs, more.inputs)).detailedDiff).to.deep.equal({ accessTags: KIND.DELETE });
    const untagged = await f.update('web', p.id, updated, none.inputs);
    expect([untagged.tags, untagged.accessTags]).to.deep.equal([['owner:ops'], []]);
    state = await f.state();
    expect(state.accessTags.attached).to.deep.equal({});
    expect(state.tags).to.deep.equal({ [p.outputs.crn]: ['owner:ops'] });
  });

  it('Check refuses an access tag that is not key:value, with its path and value, and keeps the tag rule', async () => {
    const f = fx();
    const { failures } = await f.check('web', { target: f.ids.vpc, storageBucket: 'bucket-c', accessTags: ['env:prod', 'staging', 'bad/tag'] });
    expect(failures).to.deep.equal([
      { property: 'accessTags[2]', reason: '"bad/tag" is not a valid tag: 1-128 letters, digits, spaces and ":_.-"' },
      { property: 'accessTags[1]', reason: '"staging" is not an access management tag: access tags are key:value, e.g. "env:prod"' },
    ]);
  });

  it('an access tag the account does not have: init-failed with the collector id, the tag named, and the command that creates it', async () => {
    const f = fx();
    const { inputs } = await f.check('web', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'web', tags: ['owner:ops'], accessTags: ['env:staging'] });
    const error = await rpcError(f.create('web', inputs));
    const [st] = (await f.state()).collectors;
    expect(error.details).to.contain(`collector "web" (${st.id}) was created, but attaching its tags failed`);
    expect(error.details).to.contain('"env:staging" does not exist in this account');
    expect(error.details).to.contain('ibmcloud resource tag-create --tag-names env:staging --tag-type access');
    const detail = initFailureOf(error)!;
    // The state records what is attached (the user tag), so the next update attaches only the access tag.
    expect([detail.id, detail.properties.tags, detail.properties.accessTags]).to.deep.equal([st.id, ['owner:ops'], []]);
  });
});
