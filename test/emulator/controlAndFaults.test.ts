import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { DEFAULT_TOPOLOGY } from '../../emulator/src';
import { cosClient, EmulatorClient, firstError, rejectionOf, useEmulator } from '../support/emulator';

/**
 * The control API (emulator/README.md, "Control API"): faults, request counters, reset, state, clock, buckets,
 * authorizations, topology.
 */

const SEEDED_BUCKETS = ['bucket-c', 'bucket-e', 'bucket-instance-5'];

async function subnetCollector(c: EmulatorClient, subnet: string, name: string, bucket = 'bucket-c'): Promise<any> {
  return c.createCollector({ target: { id: await c.idOf('subnets', subnet) }, storage_bucket: { name: bucket }, name });
}

describe('emulator control API: faults', () => {
  const emu = useEmulator();

  it('429 answers IBM\'s too_many_requests body with Retry-After, once', async () => {
    await emu().accessToken();
    const armed = await emu().control('POST', '/faults', { method: 'GET', path: '/v1/vpcs', kind: '429', count: 1, retryAfter: 7 });
    expect(armed.status).to.equal(201);
    expect(armed.body).to.deep.equal({ id: 1, method: 'GET', path: '/v1/vpcs', kind: '429', remaining: 1, fired: 0, retryAfter: 7 });

    const faulty = await emu().vpc('GET', '/v1/vpcs');
    expect(faulty.status).to.equal(429);
    expect(faulty.headers.get('retry-after')).to.equal('7');
    expect(faulty.body.status_code).to.equal(429);
    expect(faulty.body.errors).to.have.length(1);
    expect(faulty.body.errors[0]).to.deep.equal({
      code: 'too_many_requests',
      message: 'Rate limit exceeded. Retry after the time given in Retry-After.',
      more_info: 'https://cloud.ibm.com/docs/vpc?topic=vpc-rias-error-messages#too_many_requests',
    });
    expect(faulty.body.trace).to.match(/^[0-9a-f-]{36}$/);

    const next = await emu().vpc('GET', '/v1/vpcs');
    expect(next.status).to.equal(200);
    expect(next.body.vpcs.map((v: any) => v.name)).to.deep.equal(['vpc-1']);
  });

  it('429 without retryAfter defaults to Retry-After: 1', async () => {
    await emu().accessToken();
    const armed = await emu().control('POST', '/faults', { method: 'GET', path: '/v1/subnets', kind: '429' });
    expect(armed.body).to.deep.equal({ id: 1, method: 'GET', path: '/v1/subnets', kind: '429', remaining: 1, fired: 0, retryAfter: 1 });
    const faulty = await emu().vpc('GET', '/v1/subnets');
    expect(faulty.status).to.equal(429);
    expect(faulty.headers.get('retry-after')).to.equal('1');
  });

  for (const [kind, code, message] of [
    ['500', 'internal_error', 'Internal error (injected by the emulator).'],
    ['503', 'service_unavailable', 'The service is temporarily unavailable (injected by the emulator).'],
  ] as const) {
    it(`${kind} fires exactly count times (3), then the request succeeds`, async () => {
      await emu().accessToken();
      await emu().control('POST', '/faults', { method: 'GET', path: '/v1/vpcs', kind, count: 3 });
      for (let i = 1; i <= 3; i++) {
        const res = await emu().vpc('GET', '/v1/vpcs');
        expect(res.status, `request ${i}`).to.equal(Number(kind));
        expect(res.headers.get('retry-after')).to.equal(null);
        expect(res.body.status_code).to.equal(Number(kind));
        expect(res.body.errors.map((e: any) => [e.code, e.message])).to.deep.equal([[code, message]]);
        const pending = (await emu().control('GET', '/faults')).body.faults;
        expect(pending).to.deep.equal(i < 3 ? [{ id: 1, method: 'GET', path: '/v1/vpcs', kind, remaining: 3 - i, fired: i }] : []);
      }
      const fourth = await emu().vpc('GET', '/v1/vpcs');
      expect(fourth.status).to.equal(200);
      expect(fourth.body.total_count).to.equal(1);
      expect((await emu().control('GET', '/requests')).body).to.deep.equal({
        total: 5,
        byRoute: { 'POST /identity/token': 1, 'GET /v1/vpcs': 4 },
        faultsFired: 3,
      });
    });
  }

  it('latency delays the request by latencyMs, then answers it normally, once', async () => {
    await emu().accessToken();
    await emu().control('POST', '/faults', { method: 'GET', path: '/v1/vpcs', kind: 'latency', latencyMs: 300, count: 1 });
    const started = Date.now();
    const slow = await emu().vpc('GET', '/v1/vpcs');
    const elapsed = Date.now() - started;
    expect(slow.status).to.equal(200);
    expect(slow.body.vpcs.map((v: any) => v.name)).to.deep.equal(['vpc-1']);
    expect(elapsed).to.be.at.least(300);

    const again = Date.now();
    const fast = await emu().vpc('GET', '/v1/vpcs');
    expect(fast.status).to.equal(200);
    expect(Date.now() - again).to.be.below(300);
    expect((await emu().control('GET', '/faults')).body).to.deep.equal({ faults: [] });
  });

  it('drop closes the connection without a response, count times', async () => {
    await emu().accessToken();
    await emu().control('POST', '/faults', { method: 'GET', path: '/v1/vpcs', kind: 'drop', count: 2 });
    for (let i = 0; i < 2; i++) {
      const error = await rejectionOf(emu().vpc('GET', '/v1/vpcs'));
      expect(error.message).to.equal('fetch failed');
      expect(error.cause?.code).to.equal('UND_ERR_SOCKET');
    }
    const third = await emu().vpc('GET', '/v1/vpcs');
    expect(third.status).to.equal(200);
    expect((await emu().control('GET', '/requests')).body).to.deep.equal({
      total: 4,
      byRoute: { 'POST /identity/token': 1, 'GET /v1/vpcs': 3 },
      faultsFired: 2,
    });
  });

  it('lost-response on create: the client gets nothing, yet the collector exists', async () => {
    const subnetId = await emu().idOf('subnets', 'subnet-1');
    await emu().accessToken();
    await emu().control('POST', '/faults', { method: 'POST', path: '/v1/flow_log_collectors', kind: 'lost-response', count: 1 });
    const body = { target: { id: subnetId }, storage_bucket: { name: 'bucket-c' }, name: 'lost-one' };
    const error = await rejectionOf(emu().vpc('POST', '/v1/flow_log_collectors', { body }));
    expect(error.message).to.equal('fetch failed');

    const state = (await emu().control('GET', '/state')).body;
    expect(state.collectors).to.have.length(1);
    expect(state.collectors[0]).to.deep.include({ name: 'lost-one', active: true, lifecycle_state: 'stable', storage_bucket: { name: 'bucket-c' } });
    expect(state.collectors[0].target.id).to.equal(subnetId);
    expect(state.events.map((e: any) => e.action)).to.deep.equal(['is.flow-log-collector.flow-log-collector.create']);
    expect(state.faults).to.deep.equal([]);

    // A naive retry now meets the collector the lost response would have announced.
    const retry = await emu().vpc('POST', '/v1/flow_log_collectors', { body });
    expect(retry.status).to.equal(409);
    expect(firstError(retry.body).code).to.equal('flow_log_collector_target_conflict');
    const listed = await emu().vpc('GET', '/v1/flow_log_collectors');
    expect(listed.body.flow_log_collectors.map((c: any) => c.id)).to.deep.equal([state.collectors[0].id]);
  });

  it('a path ending in * matches a prefix; other paths are untouched', async () => {
    const created = await subnetCollector(emu(), 'subnet-1', 'prefix-target');
    await emu().control('POST', '/faults', { method: 'GET', path: '/v1/flow_log_collectors*', kind: '500', count: 2 });

    const untouched = await emu().vpc('GET', '/v1/vpcs');
    expect(untouched.status).to.equal(200);
    const untouchedPost = await emu().vpc('POST', '/v1/flow_log_collectors', { body: {} });
    expect(untouchedPost.status).to.equal(400);
    expect((await emu().control('GET', '/faults')).body.faults[0].remaining).to.equal(2);

    expect((await emu().vpc('GET', '/v1/flow_log_collectors')).status).to.equal(500);
    expect((await emu().vpc('GET', `/v1/flow_log_collectors/${created.id}`)).status).to.equal(500);
    const after = await emu().vpc('GET', `/v1/flow_log_collectors/${created.id}`);
    expect(after.status).to.equal(200);
    expect(after.body.name).to.equal('prefix-target');
  });

  it('method * matches every method on an exact path, and nothing else', async () => {
    const subnetId = await emu().idOf('subnets', 'subnet-1');
    await emu().accessToken();
    await emu().control('POST', '/faults', { method: '*', path: '/v1/flow_log_collectors', kind: '503', count: 2 });

    const other = await emu().vpc('GET', '/v1/flow_log_collectors/r006-00000000-0000-4000-a000-000000000000');
    expect(other.status).to.equal(404);
    expect(firstError(other.body).code).to.equal('flow_log_collector_not_found');

    const post = await emu().vpc('POST', '/v1/flow_log_collectors', { body: { target: { id: subnetId }, storage_bucket: { name: 'bucket-c' } } });
    expect(post.status).to.equal(503);
    const get = await emu().vpc('GET', '/v1/flow_log_collectors');
    expect(get.status).to.equal(503);
    const third = await emu().vpc('GET', '/v1/flow_log_collectors');
    expect(third.status).to.equal(200);
    // The faulted create never reached the service.
    expect(third.body.total_count).to.equal(0);
    expect((await emu().control('GET', '/state')).body.events).to.deep.equal([]);
  });

  it('a fault for another method leaves the request alone', async () => {
    await emu().accessToken();
    await emu().control('POST', '/faults', { method: 'DELETE', path: '/v1/vpcs', kind: '500', count: 1 });
    expect((await emu().vpc('GET', '/v1/vpcs')).status).to.equal(200);
    expect((await emu().control('GET', '/faults')).body).to.deep.equal({
      faults: [{ id: 1, method: 'DELETE', path: '/v1/vpcs', kind: '500', remaining: 1, fired: 0 }],
    });
  });

  it('the IAM token endpoint can be faulted like any API path', async () => {
    await emu().control('POST', '/faults', { method: 'POST', path: '/identity/token', kind: '503', count: 1 });
    expect((await emu().requestToken()).status).to.equal(503);
    const ok = await emu().requestToken();
    expect(ok.status).to.equal(200);
    expect(ok.body.token_type).to.equal('Bearer');
  });

  it('GET lists pending faults in order with their counts; DELETE clears them', async () => {
    await emu().accessToken();
    await emu().control('POST', '/faults', { method: 'GET', path: '/v1/vpcs', kind: '500', count: 2 });
    await emu().control('POST', '/faults', { method: 'POST', path: '/v1/flow_log_collectors', kind: 'latency', latencyMs: 50, count: 4 });
    await emu().vpc('GET', '/v1/vpcs');
    expect((await emu().control('GET', '/faults')).body).to.deep.equal({
      faults: [
        { id: 1, method: 'GET', path: '/v1/vpcs', kind: '500', remaining: 1, fired: 1 },
        { id: 2, method: 'POST', path: '/v1/flow_log_collectors', kind: 'latency', remaining: 4, fired: 0, latencyMs: 50 },
      ],
    });
    const cleared = await emu().control('DELETE', '/faults');
    expect(cleared.status).to.equal(204);
    expect((await emu().control('GET', '/faults')).body).to.deep.equal({ faults: [] });
    expect((await emu().vpc('GET', '/v1/vpcs')).status).to.equal(200);
  });

  it('an invalid fault answers 400 listing every problem, and arms nothing', async () => {
    const bad = await emu().control('POST', '/faults', { method: 'get', kind: 'teapot', count: 0, colour: 'red' });
    expect(bad.status).to.equal(400);
    expect(bad.body.status_code).to.equal(400);
    expect(bad.body.errors.map((e: any) => [e.code, e.message])).to.deep.equal([
      ['invalid_value', 'Fault not armed: unknown field "colour".'],
      ['invalid_value', 'Fault not armed: method must be an HTTP method in capitals, or "*".'],
      ['invalid_value', 'Fault not armed: path must start with "/" (it may end in "*").'],
      ['invalid_value', 'Fault not armed: kind must be one of 429, 500, 503, latency, drop, lost-response.'],
      ['invalid_value', 'Fault not armed: count must be a whole number of at least 1.'],
    ]);

    const noLatency = await emu().control('POST', '/faults', { method: 'GET', path: '/v1/vpcs', kind: 'latency', retryAfter: -1 });
    expect(noLatency.status).to.equal(400);
    expect(noLatency.body.errors.map((e: any) => e.message)).to.deep.equal([
      'Fault not armed: retryAfter must be a whole number of seconds.',
      'Fault not armed: latencyMs must be a whole number of milliseconds up to 600000 for a latency fault.',
    ]);

    const notObject = await emu().control('POST', '/faults', ['GET', '/v1/vpcs']);
    expect(notObject.status).to.equal(400);
    expect(notObject.body.errors[0].message).to.equal('Fault not armed: the body must be a JSON object.');

    const notJson = await emu().raw('POST', `${emu().endpoints.controlEndpoint}/faults`, { headers: { 'content-type': 'application/json' }, body: '{"kind":' });
    expect(notJson.status).to.equal(400);
    expect(firstError(notJson.body).code).to.equal('invalid_request');

    expect((await emu().control('GET', '/faults')).body).to.deep.equal({ faults: [] });
  });

  it('control API calls are never faulted, not even by a catch-all fault', async () => {
    await emu().accessToken();
    await emu().control('POST', '/faults', { method: '*', path: '/*', kind: '500', count: 10 });
    expect((await emu().control('GET', '/state')).status).to.equal(200);
    expect((await emu().control('GET', '/clock')).status).to.equal(200);
    expect((await emu().control('POST', '/clock/advance', { seconds: 1 })).status).to.equal(200);
    expect((await emu().control('GET', '/buckets')).status).to.equal(200);
    // A mistyped control call is still a control call: it gets its own answer, not the fault.
    const unknown = await emu().control('GET', '/no-such-thing');
    expect(unknown.status).to.equal(404);
    expect(firstError(unknown.body).code).to.equal('not_found');
    const wrongMethod = await emu().control('PUT', '/reset');
    expect(wrongMethod.status).to.equal(405);
    expect(wrongMethod.headers.get('allow')).to.equal('POST');
    expect((await emu().control('GET', '/faults')).body.faults[0]).to.deep.include({ remaining: 10, fired: 0 });

    expect((await emu().vpc('GET', '/v1/vpcs')).status).to.equal(500);
    expect((await emu().control('GET', '/faults')).body.faults[0]).to.deep.include({ remaining: 9, fired: 1 });
    expect((await emu().control('GET', '/requests')).body).to.deep.equal({
      total: 2,
      byRoute: { 'POST /identity/token': 1, 'GET /v1/vpcs': 1 },
      faultsFired: 1,
    });
  });
});

describe('emulator control API: request counters', () => {
  const emu = useEmulator();

  it('counts every API request by method and route template, not control calls', async () => {
    expect((await emu().control('GET', '/requests')).body).to.deep.equal({ total: 0, byRoute: {}, faultsFired: 0 });
    const subnetId = await emu().idOf('subnets', 'subnet-1');
    const vpcId = await emu().idOf('vpcs', 'vpc-1');

    await emu().vpc('GET', '/v1/vpcs'); // + the token call
    await emu().vpc('GET', `/v1/vpcs/${vpcId}`);
    const created = await emu().createCollector({ target: { id: subnetId }, storage_bucket: { name: 'bucket-c' }, name: 'counted' });
    await emu().vpc('GET', `/v1/flow_log_collectors/${created.id}`);
    await emu().vpc('GET', `/v1/flow_log_collectors/${created.id}`);
    await emu().vpc('GET', '/v1/flow_log_collectors/r006-00000000-0000-4000-a000-000000000000'); // 404, still counted
    await emu().vpc('PATCH', `/v1/flow_log_collectors/${created.id}`, { body: { name: 'renamed' } });
    await emu().vpc('GET', '/v1/flow_log_collectors', { authorization: null }); // 401, still counted
    await emu().vpc('DELETE', `/v1/flow_log_collectors/${created.id}`);
    await emu().raw('GET', `${emu().endpoints.vpcEndpoint}/v1/nowhere`);
    await emu().control('GET', '/state');
    await emu().control('POST', '/clock/advance', { seconds: 5 });

    const counters = await emu().control('GET', '/requests');
    expect(counters.status).to.equal(200);
    expect(counters.body).to.deep.equal({
      total: 11,
      byRoute: {
        'POST /identity/token': 1,
        'GET /v1/vpcs': 1,
        'GET /v1/vpcs/{id}': 1,
        'POST /v1/flow_log_collectors': 1,
        'GET /v1/flow_log_collectors/{id}': 3,
        'PATCH /v1/flow_log_collectors/{id}': 1,
        'GET /v1/flow_log_collectors': 1,
        'DELETE /v1/flow_log_collectors/{id}': 1,
        'GET (no route)': 1,
      },
      faultsFired: 0,
    });
  });

  it('DELETE /requests zeroes the counters', async () => {
    await emu().vpc('GET', '/v1/vpcs');
    await emu().control('POST', '/faults', { method: 'GET', path: '/v1/vpcs', kind: '500' });
    await emu().vpc('GET', '/v1/vpcs');
    expect((await emu().control('GET', '/requests')).body.faultsFired).to.equal(1);
    const cleared = await emu().control('DELETE', '/requests');
    expect(cleared.status).to.equal(204);
    expect((await emu().control('GET', '/requests')).body).to.deep.equal({ total: 0, byRoute: {}, faultsFired: 0 });
    await emu().vpc('GET', '/v1/subnets');
    expect((await emu().control('GET', '/requests')).body).to.deep.equal({ total: 1, byRoute: { 'GET /v1/subnets': 1 }, faultsFired: 0 });
  });
});

describe('emulator control API: reset, state and clock', () => {
  const emu = useEmulator();

  it('reset: no collectors, seeded buckets back and empty, extra buckets gone, counters and faults cleared', async () => {
    await subnetCollector(emu(), 'subnet-1', 'one');
    await subnetCollector(emu(), 'subnet-2', 'two', 'bucket-e');
    expect((await emu().control('POST', '/buckets', { name: 'extra-bucket' })).status).to.equal(201);
    await cosClient(emu().endpoints).putObject({ Bucket: 'bucket-c', Key: 'some/object.json', Body: '{"a":1}' }).promise();
    await emu().control('POST', '/authorizations', { bucket: '*' });
    await emu().control('POST', '/faults', { method: 'GET', path: '/v1/instances', kind: '500', count: 3 });
    await emu().control('POST', '/config', { pendingSeconds: 5 });
    const seeded = await emu().topology();
    const instance6 = await emu().idOf('instances', 'instance-6');
    expect((await emu().control('DELETE', `/topology/${instance6}`)).status).to.equal(200);
    const before = (await emu().control('GET', '/state')).body;
    expect(before.topology.instances).to.have.length(5);
    expect(before.collectors).to.have.length(2);
    expect(before.buckets.map((b: any) => b.name)).to.deep.equal(['bucket-c', 'bucket-e', 'bucket-instance-5', 'extra-bucket']);
    expect(before.buckets[0].objects).to.deep.equal([{ key: 'some/object.json', size: 7 }]);

    const reset = await emu().control('POST', '/reset');
    expect(reset.status).to.equal(204);

    expect((await emu().control('GET', '/requests')).body).to.deep.equal({ total: 0, byRoute: {}, faultsFired: 0 });
    const after = (await emu().control('GET', '/state')).body;
    expect(after.collectors).to.deep.equal([]);
    expect(after.buckets).to.deep.equal(SEEDED_BUCKETS.map((name) => ({ name, location: 'us-south-standard', authorized: true, objects: [] })));
    expect(after.authorizations).to.deep.equal(SEEDED_BUCKETS);
    expect(after.events).to.deep.equal([]);
    expect(after.faults).to.deep.equal([]);
    expect(after.topology).to.deep.equal(seeded);
    // Configuration survives a reset.
    expect(after.config).to.deep.equal({ pendingSeconds: 5, deletingSeconds: 0, tokenLifetimeSeconds: 3600 });

    const list = await emu().vpc('GET', '/v1/flow_log_collectors');
    expect(list.body.total_count).to.equal(0);
    expect((await emu().vpc('GET', '/v1/instances')).status).to.equal(200);
    const objects = await cosClient(emu().endpoints).listObjectsV2({ Bucket: 'bucket-c' }).promise();
    expect(objects.KeyCount).to.equal(0);
    // The same target is free again.
    const again = await subnetCollector(emu(), 'subnet-1', 'one');
    expect(again.name).to.equal('one');
  });

  it('GET /state dumps every part of the emulator', async () => {
    const created = await subnetCollector(emu(), 'subnet-1', 'dumped');
    await emu().control('POST', '/faults', { method: 'GET', path: '/v1/vpcs', kind: '503', count: 2 });
    await cosClient(emu().endpoints).putObject({ Bucket: 'bucket-e', Key: 'k1', Body: 'hello' }).promise();

    const res = await emu().control('GET', '/state');
    expect(res.status).to.equal(200);
    const s = res.body;
    expect(Object.keys(s)).to.deep.equal(['region', 'account', 'clock', 'config', 'topology', 'collectors', 'tags', 'accessTags', 'buckets', 'authorizations', 'policies', 'events', 'faults', 'flowLogs']);
    expect(s.region).to.equal('us-south');
    expect(s.account).to.equal('7c1f0e4b2a9d48e6b3f5a0c2d9e8f716');
    expect(s.clock.offsetSeconds).to.equal(0);
    expect(Math.abs(Date.parse(s.clock.now) - Date.now())).to.be.below(5000);
    expect(s.config).to.deep.equal({ pendingSeconds: 0, deletingSeconds: 0, tokenLifetimeSeconds: 3600 });
    expect(s.topology.vpcs.map((v: any) => v.name)).to.deep.equal(['vpc-1']);
    expect(s.topology.subnets.map((v: any) => v.name)).to.deep.equal(['subnet-1', 'subnet-2', 'subnet-3']);
    expect(s.topology.instances.map((v: any) => v.name)).to.deep.equal(['instance-1', 'instance-2', 'instance-3', 'instance-4', 'instance-5', 'instance-6']);
    expect(s.topology.networkInterfaces).to.have.length(6);
    expect(s.topology.networkAttachments.map((a: any) => a.name)).to.deep.equal(['eth0']);
    expect(s.topology.virtualNetworkInterfaces.map((v: any) => v.name)).to.deep.equal(['instance-5-eth0', 'vni-spare']);
    expect(s.topology.buckets).to.deep.equal(SEEDED_BUCKETS.map((name) => ({ name, authorized: true })));
    expect(s.collectors).to.deep.equal([{ ...created, lifecycle_state: 'stable' }]);
    expect(s.buckets).to.deep.equal([
      { name: 'bucket-c', location: 'us-south-standard', authorized: true, objects: [] },
      { name: 'bucket-e', location: 'us-south-standard', authorized: true, objects: [{ key: 'k1', size: 5 }] },
      { name: 'bucket-instance-5', location: 'us-south-standard', authorized: true, objects: [] },
    ]);
    expect(s.authorizations).to.deep.equal(SEEDED_BUCKETS);
    expect(s.events).to.have.length(1);
    expect(s.events[0]).to.have.keys('time', 'action', 'resource');
    expect(s.events[0]).to.deep.include({ action: 'is.flow-log-collector.flow-log-collector.create', resource: created.crn });
    expect(s.faults).to.deep.equal([{ id: 1, method: 'GET', path: '/v1/vpcs', kind: '503', remaining: 2, fired: 0 }]);

    await emu().vpc('PATCH', `/v1/flow_log_collectors/${created.id}`, { body: { active: false } });
    await emu().vpc('DELETE', `/v1/flow_log_collectors/${created.id}`);
    const events = (await emu().control('GET', '/state')).body.events;
    expect(events.map((e: any) => [e.action, e.resource])).to.deep.equal([
      ['is.flow-log-collector.flow-log-collector.create', created.crn],
      ['is.flow-log-collector.flow-log-collector.update', created.crn],
      ['is.flow-log-collector.flow-log-collector.delete', created.crn],
    ]);
  });

  it('clock advance moves the emulator clock by exactly the seconds given', async () => {
    const before = await emu().control('GET', '/clock');
    expect(before.status).to.equal(200);
    expect(before.body.offsetSeconds).to.equal(0);

    const advanced = await emu().control('POST', '/clock/advance', { seconds: 3600 });
    expect(advanced.status).to.equal(200);
    expect(advanced.body.offsetSeconds).to.equal(3600);
    const after = await emu().control('GET', '/clock');
    expect(after.body.offsetSeconds).to.equal(3600);
    const moved = Date.parse(after.body.now) - Date.parse(before.body.now);
    expect(moved).to.be.at.least(3600_000);
    expect(moved).to.be.below(3600_000 + 5000);

    await emu().control('POST', '/clock/advance', { seconds: 0.5 });
    expect((await emu().control('GET', '/clock')).body.offsetSeconds).to.equal(3600.5);
  });

  it('clock advance refuses bad seconds with 400 and leaves the clock alone', async () => {
    for (const body of [{ seconds: -1 }, { seconds: '60' }, {}, { seconds: 10 * 365 * 86400 + 1 }, { seconds: null }]) {
      const res = await emu().control('POST', '/clock/advance', body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(firstError(res.body).code).to.equal('invalid_value');
      expect(firstError(res.body).target).to.deep.equal({ name: 'seconds', type: 'field' });
    }
    expect((await emu().control('POST', '/clock/advance', [1])).status).to.equal(400);
    expect((await emu().control('GET', '/clock')).body.offsetSeconds).to.equal(0);
  });

  it('the clock leaves tokens alone (they live on wall time); POST /tokens/expire expires them', async () => {
    await emu().accessToken();
    expect((await emu().vpc('GET', '/v1/vpcs')).status).to.equal(200);
    await emu().control('POST', '/clock/advance', { seconds: 3700 });
    expect((await emu().vpc('GET', '/v1/vpcs')).status).to.equal(200);
    expect((await emu().control('POST', '/tokens/expire')).status).to.equal(204);
    const expired = await emu().vpc('GET', '/v1/vpcs');
    expect(expired.status).to.equal(401);
    expect(firstError(expired.body).code).to.equal('not_authorized');
    emu().forgetToken();
    expect((await emu().vpc('GET', '/v1/vpcs')).status).to.equal(200);
  });
});

describe('emulator control API: lifecycle driven by the clock', () => {
  const emu = useEmulator({ pendingSeconds: 60, deletingSeconds: 30 });

  it('pending → stable and deleting → gone land when the clock passes their delay', async () => {
    const created = await subnetCollector(emu(), 'subnet-1', 'slow');
    expect(created.lifecycle_state).to.equal('pending');
    await emu().control('POST', '/clock/advance', { seconds: 50 });
    expect((await emu().vpc('GET', `/v1/flow_log_collectors/${created.id}`)).body.lifecycle_state).to.equal('pending');
    await emu().control('POST', '/clock/advance', { seconds: 10 });
    expect((await emu().vpc('GET', `/v1/flow_log_collectors/${created.id}`)).body.lifecycle_state).to.equal('stable');

    expect((await emu().vpc('DELETE', `/v1/flow_log_collectors/${created.id}`)).status).to.equal(204);
    expect((await emu().vpc('GET', `/v1/flow_log_collectors/${created.id}`)).body.lifecycle_state).to.equal('deleting');
    await emu().control('POST', '/clock/advance', { seconds: 30 });
    expect((await emu().vpc('GET', `/v1/flow_log_collectors/${created.id}`)).status).to.equal(404);
  });
});

describe('emulator control API: buckets and authorizations', () => {
  const emu = useEmulator();

  it('creates buckets (authorized by default), refuses duplicates and bad names, deletes known ones only', async () => {
    expect((await emu().control('GET', '/buckets')).body).to.deep.equal({ buckets: SEEDED_BUCKETS.map((name) => ({ name, location: 'us-south-standard', authorized: true })) });

    const created = await emu().control('POST', '/buckets', { name: 'new-bucket' });
    expect(created.status).to.equal(201);
    expect(created.body).to.deep.equal({ name: 'new-bucket', location: 'us-south-standard', authorized: true });

    const duplicate = await emu().control('POST', '/buckets', { name: 'new-bucket' });
    expect(duplicate.status).to.equal(409);
    expect(firstError(duplicate.body)).to.deep.include({ code: 'bucket_conflict', message: 'Bucket "new-bucket" already exists.' });
    const seededDuplicate = await emu().control('POST', '/buckets', { name: 'bucket-c' });
    expect(seededDuplicate.status).to.equal(409);

    const badName = await emu().control('POST', '/buckets', { name: 'Bad_Bucket' });
    expect(badName.status).to.equal(400);
    expect(firstError(badName.body)).to.deep.include({ code: 'invalid_value', target: { name: 'name', type: 'field', value: 'Bad_Bucket' } });
    for (const name of ['ab', '-leading', 'trailing-', 'a..b', '192.168.1.1', 'x'.repeat(64)]) {
      expect((await emu().control('POST', '/buckets', { name })).status, name).to.equal(400);
    }
    const missing = await emu().control('POST', '/buckets', {});
    expect(missing.status).to.equal(400);
    expect(firstError(missing.body)).to.deep.include({ code: 'missing_field', target: { name: 'name', type: 'field' } });
    const badFlag = await emu().control('POST', '/buckets', { name: 'flag-bucket', authorized: 'yes' });
    expect(badFlag.status).to.equal(400);

    const unknown = await emu().control('DELETE', '/buckets/no-such-bucket');
    expect(unknown.status).to.equal(404);
    expect(firstError(unknown.body)).to.deep.include({ code: 'bucket_not_found', message: 'Bucket "no-such-bucket" does not exist.' });

    expect((await emu().control('DELETE', '/buckets/new-bucket')).status).to.equal(204);
    expect((await emu().control('GET', '/buckets')).body.buckets.map((b: any) => b.name)).to.deep.equal(SEEDED_BUCKETS);
    expect((await emu().control('GET', '/authorizations')).body).to.deep.equal({ authorizations: SEEDED_BUCKETS });

    // A collector cannot use the deleted bucket.
    const subnetId = await emu().idOf('subnets', 'subnet-1');
    const refused = await emu().vpc('POST', '/v1/flow_log_collectors', { body: { target: { id: subnetId }, storage_bucket: { name: 'new-bucket' } } });
    expect(refused.status).to.equal(400);
    expect(firstError(refused.body).code).to.equal('flow_log_collector_storage_bucket_not_found');
  });

  it('authorizations gate collector creation; add, list and delete them', async () => {
    const subnetId = await emu().idOf('subnets', 'subnet-1');
    const quiet = await emu().control('POST', '/buckets', { name: 'quiet-bucket', authorized: false });
    expect(quiet.status).to.equal(201);
    expect(quiet.body).to.deep.equal({ name: 'quiet-bucket', location: 'us-south-standard', authorized: false });
    const body = { target: { id: subnetId }, storage_bucket: { name: 'quiet-bucket' }, name: 'gated' };

    const refused = await emu().vpc('POST', '/v1/flow_log_collectors', { body });
    expect(refused.status).to.equal(403);
    expect(firstError(refused.body).code).to.equal('flow_log_collector_storage_bucket_not_authorized');

    const added = await emu().control('POST', '/authorizations', { bucket: 'quiet-bucket' });
    expect(added.status).to.equal(201);
    expect(added.body).to.deep.equal({ authorizations: ['bucket-c', 'bucket-e', 'bucket-instance-5', 'quiet-bucket'] });
    expect((await emu().control('GET', '/authorizations')).body).to.deep.equal({ authorizations: ['bucket-c', 'bucket-e', 'bucket-instance-5', 'quiet-bucket'] });
    const accepted = await emu().vpc('POST', '/v1/flow_log_collectors', { body });
    expect(accepted.status).to.equal(201);
    expect(accepted.body.storage_bucket).to.deep.equal({ name: 'quiet-bucket' });

    expect((await emu().control('DELETE', '/authorizations/quiet-bucket')).status).to.equal(204);
    expect((await emu().control('GET', '/authorizations')).body).to.deep.equal({ authorizations: SEEDED_BUCKETS });
    const gone = await emu().control('DELETE', '/authorizations/quiet-bucket');
    expect(gone.status).to.equal(404);
    expect(firstError(gone.body).code).to.equal('not_found');

    for (const bad of [{ bucket: 'Not_A_Bucket' }, {}, { bucket: 3 }]) {
      const res = await emu().control('POST', '/authorizations', bad);
      expect(res.status, JSON.stringify(bad)).to.equal(400);
      expect(firstError(res.body).target).to.deep.equal({ name: 'bucket', type: 'field' });
    }
  });

  it('"*" authorizes every bucket, also ones created later', async () => {
    const subnetId = await emu().idOf('subnets', 'subnet-2');
    await emu().control('POST', '/buckets', { name: 'later-bucket', authorized: false });
    const star = await emu().control('POST', '/authorizations', { bucket: '*' });
    expect(star.status).to.equal(201);
    expect(star.body.authorizations).to.deep.equal(['*', ...SEEDED_BUCKETS]);
    await emu().control('POST', '/buckets', { name: 'even-later', authorized: false });
    expect((await emu().control('GET', '/buckets')).body.buckets).to.deep.equal(
      ['bucket-c', 'bucket-e', 'bucket-instance-5', 'even-later', 'later-bucket'].map((name) => ({ name, location: 'us-south-standard', authorized: true })),
    );
    const created = await emu().createCollector({ target: { id: subnetId }, storage_bucket: { name: 'even-later' } });
    expect(created.storage_bucket).to.deep.equal({ name: 'even-later' });

    expect((await emu().control('DELETE', '/authorizations/*')).status).to.equal(204);
    expect((await emu().control('GET', '/buckets')).body.buckets.find((b: any) => b.name === 'even-later')).to.deep.equal({ name: 'even-later', location: 'us-south-standard', authorized: false });
  });
});

describe('emulator control API: topology', () => {
  const emu = useEmulator();
  const useCase1 = () => JSON.parse(readFileSync(DEFAULT_TOPOLOGY, 'utf8'));

  it('an invalid topology answers 400 listing every issue with its path, and changes nothing', async () => {
    const before = await emu().topology();
    const t = useCase1();
    t.colour = 'blue';
    t.vpcs[0].subnets[1].cidr = '10.240.1.0/33';
    t.vpcs[0].instances[0].networkInterfaces[0].subnet = 'subnet-3';
    const res = await emu().control('POST', '/topology', t);
    expect(res.status).to.equal(400);
    expect(res.body.errors.map((e: any) => ({ code: e.code, target: e.target, message: e.message }))).to.deep.equal([
      {
        code: 'invalid_value',
        target: { name: 'colour', type: 'field' },
        message: 'Topology not loaded: colour: unknown key; allowed: region, account, createdAt, resourceGroups, vpcs, buckets.',
      },
      {
        code: 'invalid_value',
        target: { name: 'vpcs[0].subnets[1].cidr', type: 'field' },
        message: 'Topology not loaded: vpcs[0].subnets[1].cidr: "10.240.1.0/33" is not an IPv4 CIDR block between /8 and /29 aligned to its size.',
      },
      {
        code: 'invalid_value',
        target: { name: 'vpcs[0].instances[0].networkInterfaces[0].subnet', type: 'field' },
        message: 'Topology not loaded: vpcs[0].instances[0].networkInterfaces[0].subnet: subnet "subnet-3" is in zone us-south-2, but the instance is in zone us-south-1.',
      },
    ]);
    expect(await emu().topology()).to.deep.equal(before);

    const notObject = await emu().control('POST', '/topology', [1, 2]);
    expect(notObject.status).to.equal(400);
    expect(notObject.body.errors.map((e: any) => e.message)).to.deep.equal(['Topology not loaded: (root): expected an object, received an array.']);
  });

  it('a valid replacement auto-deletes collectors whose targets vanished and becomes the seed for reset', async () => {
    const onInstance6 = await emu().createCollector({ target: { id: await emu().idOf('instances', 'instance-6') }, storage_bucket: { name: 'bucket-instance-5' }, name: 'on-instance-6' });
    const onSubnet1 = await subnetCollector(emu(), 'subnet-1', 'on-subnet-1');
    const instance6 = await emu().idOf('instances', 'instance-6');

    const t = useCase1();
    t.vpcs[0].instances = t.vpcs[0].instances.filter((i: any) => i.name !== 'instance-6');
    t.buckets = [{ name: 'bucket-c', authorized: true }, { name: 'bucket-e', authorized: true }, { name: 'bucket-new', authorized: false }];
    const res = await emu().control('POST', '/topology', t);
    expect(res.status).to.equal(200);
    expect(res.body.collectorsDeleted).to.deep.equal([onInstance6.id]);
    expect(res.body.topology.instances.map((i: any) => i.name)).to.deep.equal(['instance-1', 'instance-2', 'instance-3', 'instance-4', 'instance-5']);

    // Ids derive from names: the surviving resources keep theirs, so the subnet collector is untouched.
    const list = await emu().vpc('GET', '/v1/flow_log_collectors');
    expect(list.body.flow_log_collectors.map((c: any) => c.id)).to.deep.equal([onSubnet1.id]);
    const gone = await emu().vpc('GET', `/v1/instances/${instance6}`);
    expect(gone.status).to.equal(404);
    expect(firstError(gone.body).code).to.equal('instance_not_found');
    const state = (await emu().control('GET', '/state')).body;
    expect(state.events.at(-1)).to.deep.include({
      action: 'is.flow-log-collector.flow-log-collector.delete',
      resource: onInstance6.crn,
      detail: 'auto_delete: the target was deleted',
    });
    // The new bucket exists at once; the old one stays until a reset.
    expect(state.buckets.map((b: any) => [b.name, b.authorized])).to.deep.equal([
      ['bucket-c', true],
      ['bucket-e', true],
      ['bucket-instance-5', true],
      ['bucket-new', false],
    ]);

    expect((await emu().control('POST', '/reset')).status).to.equal(204);
    const afterReset = (await emu().control('GET', '/state')).body;
    expect(afterReset.topology).to.deep.equal(res.body.topology);
    expect(afterReset.collectors).to.deep.equal([]);
    expect(afterReset.buckets).to.deep.equal([
      { name: 'bucket-c', location: 'us-south-standard', authorized: true, objects: [] },
      { name: 'bucket-e', location: 'us-south-standard', authorized: true, objects: [] },
      { name: 'bucket-new', location: 'us-south-standard', authorized: false, objects: [] },
    ]);
  });

  it('DELETE /topology/{id} removes a resource and auto-deletes its collectors; unknown ids answer 404', async () => {
    const instance2 = await emu().idOf('instances', 'instance-2');
    const eth1 = await emu().idOf('networkInterfaces', 'eth1', 'instance-2');
    const eth0 = await emu().idOf('networkInterfaces', 'eth0', 'instance-2');
    const onNic = await emu().createCollector({ target: { id: eth1 }, storage_bucket: { name: 'bucket-c' }, name: 'on-eth1' });
    const res = await emu().control('DELETE', `/topology/${instance2}`);
    expect(res.status).to.equal(200);
    expect([...res.body.removed].sort()).to.deep.equal([instance2, eth0, eth1].sort());
    expect(res.body.collectorsDeleted).to.deep.equal([onNic.id]);
    expect((await emu().vpc('GET', `/v1/instances/${instance2}`)).status).to.equal(404);

    const unknown = await emu().control('DELETE', `/topology/${instance2}`);
    expect(unknown.status).to.equal(404);
    expect(firstError(unknown.body).code).to.equal('not_found');
  });

});
