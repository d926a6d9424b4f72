import { expect } from 'chai';
import { grpc } from '../../provider/src/rpc/stubs';
import { eventually, initFailureOf, rpcError, useFixture } from './support/fixture';
import { requests, secret } from './support/plugin';

const INIT_FAILED_TYPE = 'type.googleapis.com/pulumirpc.ErrorResourceInitFailed';

describe('rpc: failures of Create', () => {
  const fx = useFixture();

  it('a collector stuck in pending fails the create at the given timeout, as init-failed with its id', async () => {
    const f = fx();
    await f.emulator.control('POST', '/lifecycle', { outcome: 'stuck' });
    const { inputs } = await f.check('stuck', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'stuck' });
    const started = Date.now();
    const error = await rpcError(f.create('stuck', inputs, { timeout: 2 }));
    const elapsed = Date.now() - started;
    expect(elapsed).to.be.within(1900, 4000);

    const [st] = (await f.state()).collectors;
    expect(st.lifecycle_state).to.equal('pending');
    expect(error.code).to.equal(grpc.status.UNKNOWN);
    expect(error.details).to.equal(`timed out after 2 s waiting for collector "stuck" (${st.id}) to become stable; it is still pending`);
    const detail = initFailureOf(error)!;
    expect(detail).to.deep.include({ typeUrl: INIT_FAILED_TYPE, id: st.id, message: error.details, reasons: [error.details] });
    expect(detail.properties).to.deep.include({ name: 'stuck', crn: st.crn, lifecycleState: 'pending', target: f.ids.vpc, storageBucket: 'bucket-c' });
  });

  it('a partial failure keeps secret inputs secret in the properties the engine stores, and in what derives from them', async () => {
    const f = fx();
    // pulumi/pulumi pkg/resource/deploy/step.go CreateStep.Apply stores ErrorResourceInitFailed.properties as the
    // resource's outputs; with acceptSecrets the engine marks nothing secret itself (provider_plugin.go annotates
    // only for providers that do not accept secrets).
    await f.emulator.control('POST', '/lifecycle', { outcome: 'failed' });
    const { inputs, failures } = await f.check('hidden', { target: secret(f.ids.subnet1), storageBucket: secret('bucket-c'), name: 'hidden', tags: ['env:dev'] });
    expect(failures).to.deep.equal([]);
    const error = await rpcError(f.create('hidden', inputs, { timeout: 30 }));
    const [st] = (await f.state()).collectors;
    const detail = initFailureOf(error)!;
    expect(detail.id).to.equal(st.id);
    expect(detail.properties).to.deep.include({
      target: secret(f.ids.subnet1),
      targetType: secret('subnet'),
      vpc: secret(f.ids.vpc),
      coverage: secret([]),
      storageBucket: secret('bucket-c'),
      name: 'hidden',
      lifecycleState: 'failed',
      tags: ['env:dev'],
    });
    expect(JSON.stringify(error.details)).to.not.contain('bucket-c');
  });

  it('a collector that ends failed reports init-failed with its id and a message saying failed', async () => {
    const f = fx();
    await f.emulator.control('POST', '/lifecycle', { outcome: 'failed' });
    const { inputs } = await f.check('broken', { target: f.ids.subnet1, storageBucket: 'bucket-c', name: 'broken' });
    const error = await rpcError(f.create('broken', inputs, { timeout: 30 }));
    const [st] = (await f.state()).collectors;
    expect(st.lifecycle_state).to.equal('failed');
    expect(error.details).to.equal(
      `flow log collector "broken" (${st.id}) was created but its lifecycle_state is failed; IBM Cloud could not start it. Delete it (pulumi destroy or pulumi up after fixing the cause) and try again.`,
    );
    const detail = initFailureOf(error)!;
    expect(detail.typeUrl).to.equal(INIT_FAILED_TYPE);
    expect(detail.id).to.equal(st.id);
    expect(detail.properties.lifecycleState).to.equal('failed');
    expect(detail.properties.crn).to.equal(st.crn);
  });

  it('a second collector on a taken target fails with a message that names the existing collector', async () => {
    const f = fx();
    const first = await f.provision('first', { target: f.ids.instance1, storageBucket: 'bucket-c', name: 'first' });
    const { inputs } = await f.check('second', { target: f.ids.instance1Crn, storageBucket: 'bucket-e', name: 'second' });
    const error = await rpcError(f.create('second', inputs));
    expect(error.details).to.contain(`the target already has flow log collector "first" (${first.id}, bucket "bucket-c", stable)`);
    expect(error.details).to.contain(`Could not create flow log collector for target ${f.ids.instance1}`);
    expect(error.details).to.contain('flow_log_collector_target_conflict');
    expect(initFailureOf(error), 'nothing was created, so no init-failed detail').to.equal(undefined);
    expect((await f.state()).collectors.map((c: any) => c.id)).to.deep.equal([first.id]);
  });

  it("a bucket that does not exist fails with IBM's message and leaves nothing behind", async () => {
    const f = fx();
    const { inputs, failures } = await f.check('web', { target: f.ids.vpc, storageBucket: 'no-such-bucket', name: 'web' });
    expect(failures).to.deep.equal([]);
    const error = await rpcError(f.create('web', inputs));
    expect(error.details).to.contain('Cloud Object Storage bucket "no-such-bucket" was not found. Create it in the same region first.');
    expect(error.details).to.contain('flow_log_collector_storage_bucket_not_found');
    expect(initFailureOf(error)).to.equal(undefined);
    expect((await f.state()).collectors).to.deep.equal([]);
  });

  it("a bucket flow logs may not write to fails with IBM's message and leaves nothing behind", async () => {
    const f = fx();
    expect((await f.emulator.control('POST', '/buckets', { name: 'locked-bucket', authorized: false })).status).to.equal(201);
    const { inputs } = await f.check('web', { target: f.ids.vpc, storageBucket: 'locked-bucket', name: 'web', tags: ['env:dev'] });
    const error = await rpcError(f.create('web', inputs));
    expect(error.details).to.contain(
      'Your Cloud Object Storage (COS) bucket is missing the Identity Authorization Management (IAM) authorization to allow the flow logs service to write flow logs to your bucket.',
    );
    expect(error.details).to.contain('flow_log_collector_storage_bucket_not_authorized');
    const state = await f.state();
    expect(state.collectors).to.deep.equal([]);
    expect(state.tags).to.deep.equal({});
  });

  it('a collector created whose tags cannot be attached is reported init-failed with its id', async () => {
    const f = fx();
    // Global Tagging keeps answering 429 (Retry-After 0, so the retries are immediate) until the attempts run out.
    expect((await f.emulator.control('POST', '/faults', { method: 'POST', path: '/v3/tags/attach', kind: '429', count: 20, retryAfter: 0 })).status).to.equal(201);
    const { inputs } = await f.check('tagged', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'tagged', tags: ['env:dev'] });
    const error = await rpcError(f.create('tagged', inputs));
    const [st] = (await f.state()).collectors;
    expect(error.details).to.contain(`collector "tagged" (${st.id}) was created, but attaching its tags failed`);
    const detail = initFailureOf(error)!;
    expect(detail.id).to.equal(st.id);
    // State records no tags, so the next update attaches them.
    expect(detail.properties.tags).to.deep.equal([]);
  });

  it('Cancel stops a create waiting on a stuck collector within 1 s, and the error names the collector id', async () => {
    const f = fx();
    await f.emulator.control('POST', '/lifecycle', { outcome: 'stuck' });
    const { inputs } = await f.check('waiting', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'waiting' });
    const pending = rpcError(f.create('waiting', inputs, { timeout: 600 }));
    const created = await eventually(async () => (await f.state()).collectors[0], 'the collector to be created');
    await new Promise((r) => setTimeout(r, 300));
    const cancelledAt = Date.now();
    await f.plugin.call('cancel', requests.empty());
    const error = await pending;
    const took = Date.now() - cancelledAt;
    expect(took, `Create returned ${took} ms after Cancel`).to.be.below(1000);
    expect(error.details).to.contain(created.id);
    // The Cancel lands in the wait between polls or in a poll under way; either way it says so.
    expect(error.details).to.match(/cancelled/);
    expect(initFailureOf(error)!.id).to.equal(created.id);

    // The plugin still serves calls after a Cancel.
    const read = await f.read('waiting', created.id);
    expect(read.id).to.equal(created.id);
  });
});

describe('rpc: Cancel during Delete', () => {
  const fx = useFixture();

  it('Cancel stops a Delete waiting on a deleting collector promptly, as CANCELLED', async () => {
    const f = fx();
    const p = await f.provision('going', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'going' });
    await f.emulator.control('POST', '/config', { deletingSeconds: 600 });
    const pending = rpcError(f.delete('going', p.id, p.outputs, 600));
    await eventually(async () => ((await f.collectorInState(p.id))?.lifecycle_state === 'deleting' ? true : undefined), 'the collector to show deleting');
    const cancelledAt = Date.now();
    await f.plugin.call('cancel', requests.empty());
    const error = await pending;
    expect(Date.now() - cancelledAt).to.be.below(1000);
    expect(error.code).to.equal(grpc.status.CANCELLED);
    // Between polls: "cancelled while waiting for collector <id> to be deleted"; during a poll: "Could not get flow
    // log collector <id>: cancelled (GET …)". Both name the collector.
    expect(error.details).to.contain(p.id).and.match(/cancelled/);
  });

  it('Cancel also cuts short a poll request under way (a slow GET), as CANCELLED naming the collector', async () => {
    const f = fx();
    const p = await f.provision('slow', { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'slow' });
    await f.emulator.control('POST', '/config', { deletingSeconds: 600 });
    await f.emulator.control('POST', '/faults', { method: 'GET', path: '/v1/flow_log_collectors/*', kind: 'latency', latencyMs: 2000, count: 50 });
    const pending = rpcError(f.delete('slow', p.id, p.outputs, 600));
    await eventually(async () => ((await f.emulator.control('GET', '/requests')).body.faultsFired >= 1 ? true : undefined), 'a poll to hang');
    const cancelledAt = Date.now();
    await f.plugin.call('cancel', requests.empty());
    const error = await pending;
    expect(Date.now() - cancelledAt).to.be.below(1000);
    expect(error.code).to.equal(grpc.status.CANCELLED);
    expect(error.details).to.match(new RegExp(`^Could not get flow log collector ${p.id}: cancelled \\(GET `));
    await f.emulator.control('DELETE', '/faults');
  });
});
