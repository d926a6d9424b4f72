import { expect } from 'chai';
import { coverageRows, under } from './support/coverage';
import { eventually, type Fixture, useFixture } from './support/fixture';
import { UNKNOWN, URN } from './support/plugin';
import { engine as enginePb } from '../../provider/src/rpc/stubs';

/** Routes that change something at IBM: collector POST/PATCH/DELETE and Global Tagging attach/detach. */
function mutatingRoutes(counts: Record<string, number>): string[] {
  return Object.keys(counts).filter((route) => /^(POST|PATCH|DELETE) \/v1\//.test(route) || /^POST \/v3\/tags\/(attach|detach)/.test(route));
}

async function expectNoMutation(f: Fixture): Promise<void> {
  const counts = await f.requestCounts();
  expect(mutatingRoutes(counts), JSON.stringify(counts)).to.deep.equal([]);
}

describe('rpc: preview', () => {
  const fx = useFixture();

  it('Create with preview=true sends no mutating request, predicts the coverage and leaves what it cannot know unknown', async () => {
    const f = fx();
    const { inputs } = await f.check('web', { target: f.ids.subnet1, storageBucket: 'bucket-c', name: 'web', tags: ['env:dev'] });
    await f.clearRequests();
    const { id, outputs } = await f.create('web', inputs, { preview: true });
    await expectNoMutation(f);
    const state = await f.state();
    expect(state.collectors).to.deep.equal([]);
    expect(state.tags).to.deep.equal({});
    expect(id).to.equal('');
    expect(outputs).to.deep.equal({
      target: f.ids.subnet1,
      storageBucket: 'bucket-c',
      name: 'web',
      active: true,
      resourceGroup: UNKNOWN,
      resourceGroupName: UNKNOWN,
      tags: ['env:dev'],
      accessTags: [],
      crn: UNKNOWN,
      href: UNKNOWN,
      lifecycleState: UNKNOWN,
      createdAt: UNKNOWN,
      autoDelete: UNKNOWN,
      vpc: f.ids.vpc,
      targetType: 'subnet',
      // Predicted from the live topology and collectors (none): every interface of subnet-1.
      coverage: await coverageRows(f, under('subnet', f.ids.subnet1)),
    });
  });

  it('Create preview with an unknown target keeps the target and what derives from it unknown', async () => {
    const f = fx();
    const { inputs, failures } = await f.check('web', { target: UNKNOWN, storageBucket: 'bucket-c', name: 'web' });
    expect(failures).to.deep.equal([]);
    await f.clearRequests();
    const { outputs } = await f.create('web', inputs, { preview: true });
    await expectNoMutation(f);
    expect([outputs.target, outputs.vpc, outputs.targetType, outputs.crn, outputs.coverage]).to.deep.equal([UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN]);
    expect([outputs.storageBucket, outputs.name, outputs.active]).to.deep.equal(['bucket-c', 'web', true]);
  });

  it('Update with preview=true (rename, suspend, retag) sends no mutating request and predicts the new values', async () => {
    const f = fx();
    const p = await f.provision('web', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'web', tags: ['env:dev'] });
    const news = await f.check('web', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'web-two', active: false, tags: ['env:prod'] }, p.inputs);
    await f.clearRequests();
    const outputs = await f.update('web', p.id, p.outputs, news.inputs, { preview: true });
    await expectNoMutation(f);
    // Suspended, the VPC collector still wins every interface (README.md, "What the provider does"): the predicted
    // coverage is unchanged.
    expect(p.outputs.coverage).to.deep.equal(await coverageRows(f, () => true));
    expect(outputs).to.deep.equal({ ...p.outputs, name: 'web-two', active: false, tags: ['env:prod'], lifecycleState: UNKNOWN });
    const st = await f.collectorInState(p.id);
    expect([st.name, st.active, st.lifecycle_state]).to.deep.equal(['web', true, 'stable']);
    expect((await f.state()).tags).to.deep.equal({ [p.outputs.crn]: ['env:dev'] });
  });

  it('Update preview with an unknown name leaves the name unknown', async () => {
    const f = fx();
    const p = await f.provision('web', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'web' });
    const news = await f.check('web', { target: f.ids.vpc, storageBucket: 'bucket-c', name: UNKNOWN }, p.inputs);
    expect(news.inputs.name).to.equal(UNKNOWN);
    await f.clearRequests();
    const outputs = await f.update('web', p.id, p.outputs, news.inputs, { preview: true });
    await expectNoMutation(f);
    expect(outputs.name).to.equal(UNKNOWN);
    expect(outputs.crn).to.equal(p.outputs.crn);
  });
});

describe('rpc: progress goes to the engine Log service', () => {
  const fx = useFixture({ engine: true });

  it('a Create that waits logs "waiting for collector … to become stable" with the resource URN', async () => {
    const f = fx();
    await f.emulator.control('POST', '/config', { pendingSeconds: 2 });
    const { inputs } = await f.check('logged', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'logged' });
    const creating = f.create('logged', inputs, { timeout: 60 });
    const message = await eventually(() => f.engine!.messages.find((m) => m.message.startsWith('waiting for collector')), 'a progress message');
    // Rather than sleeping 2 s, move the emulator's clock past the pending period.
    await f.emulator.control('POST', '/clock/advance', { seconds: 2 });
    const { id, outputs } = await creating;
    expect(outputs.lifecycleState).to.equal('stable');
    expect(message).to.deep.equal({
      severity: enginePb.LogSeverity.INFO,
      message: `waiting for collector "logged" (${id}) to become stable (0 s, pending)`,
      urn: URN('logged'),
    });
    expect(f.plugin.stdout, 'the plugin writes nothing but its port to stdout').to.equal(`${f.plugin.port}\n`);
  });
});
