import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { startEmulator, type EmulatorEndpoints, type RunningEmulator } from '../../emulator/src';
import { cosClient, EmulatorClient, rejectionOf, useEmulator } from '../support/emulator';

/** The emulator's COS through IBM's own S3 SDK, and `stateDir` persistence across a restart in one process. */

describe('emulator COS through ibm-cos-sdk', () => {
  const emu = useEmulator();
  const cos = () => cosClient(emu().endpoints);

  it('lists the seeded buckets', async () => {
    const out = await cos().listBuckets().promise();
    expect(out.Buckets!.map((b) => b.Name)).to.deep.equal(['bucket-c', 'bucket-e', 'bucket-instance-5']);
  });

  it('stores user metadata (x-amz-meta-*) that headObject returns', async () => {
    await cos()
      .putObject({ Bucket: 'bucket-c', Key: 'meta/object.txt', Body: 'twelve bytes', ContentType: 'text/plain', Metadata: { 'flow-kind': 'ingress', owner: 'team-a' } })
      .promise();
    const head = await cos().headObject({ Bucket: 'bucket-c', Key: 'meta/object.txt' }).promise();
    expect(head.Metadata).to.deep.equal({ 'flow-kind': 'ingress', owner: 'team-a' });
    expect(head.ContentLength).to.equal(12);
    expect(head.ContentType).to.equal('text/plain');

    const missing = await rejectionOf(cos().headObject({ Bucket: 'bucket-c', Key: 'meta/none' }).promise());
    expect(missing.statusCode).to.equal(404);
  });

  it('getObject returns the exact bytes, also of a gzip body', async () => {
    const bytes = Buffer.from([0, 1, 2, 253, 254, 255, 10, 13]);
    await cos().putObject({ Bucket: 'bucket-e', Key: 'raw.bin', Body: bytes }).promise();
    const raw = await cos().getObject({ Bucket: 'bucket-e', Key: 'raw.bin' }).promise();
    expect(Buffer.compare(raw.Body as Buffer, bytes)).to.equal(0);

    const doc = { version: '0.0.1', number_of_flow_logs: 2, flow_logs: [{ action: 'accepted' }, { action: 'rejected' }] };
    const gz = gzipSync(JSON.stringify(doc));
    await cos().putObject({ Bucket: 'bucket-e', Key: 'ibm_vpc_flowlogs_v1/x/00000001.gz', Body: gz, ContentType: 'application/gzip' }).promise();
    const got = await cos().getObject({ Bucket: 'bucket-e', Key: 'ibm_vpc_flowlogs_v1/x/00000001.gz' }).promise();
    expect(Buffer.compare(got.Body as Buffer, gz)).to.equal(0);
    expect(got.ContentLength).to.equal(gz.length);
    expect(JSON.parse(gunzipSync(got.Body as Buffer).toString('utf8'))).to.deep.equal(doc);
  });

  it('listObjectsV2 filters by Prefix and pages with MaxKeys and ContinuationToken', async () => {
    for (const key of ['logs/e', 'logs/a', 'logs/c', 'other/z', 'logs/b', 'logs/d']) {
      await cos().putObject({ Bucket: 'bucket-c', Key: key, Body: key }).promise();
    }
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const page = await cos()
        .listObjectsV2({ Bucket: 'bucket-c', Prefix: 'logs/', MaxKeys: 2, ...(token ? { ContinuationToken: token } : {}) })
        .promise();
      pages.push(page.Contents!.map((o) => o.Key!));
      expect(page.KeyCount).to.equal(page.Contents!.length);
      expect(page.IsTruncated).to.equal(pages.length < 3);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
      if (pages.length > 5) throw new Error('paging does not end');
    } while (token);
    expect(pages).to.deep.equal([['logs/a', 'logs/b'], ['logs/c', 'logs/d'], ['logs/e']]);

    const all = await cos().listObjectsV2({ Bucket: 'bucket-c' }).promise();
    expect(all.Contents!.map((o) => [o.Key, o.Size])).to.deep.equal([
      ['logs/a', 6],
      ['logs/b', 6],
      ['logs/c', 6],
      ['logs/d', 6],
      ['logs/e', 6],
      ['other/z', 7],
    ]);
  });

  it('refuses a wrong secret, an unknown key and s3rver\'s well-known default key', async () => {
    const { cosAccessKeyId } = emu().endpoints;
    const wrongSecret = await rejectionOf(cosClient(emu().endpoints, { accessKeyId: cosAccessKeyId, secretAccessKey: 'not-the-secret' }).listBuckets().promise());
    expect(wrongSecret.code).to.equal('SignatureDoesNotMatch');
    expect(wrongSecret.statusCode).to.equal(403);

    const unknownKey = await rejectionOf(cosClient(emu().endpoints, { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'whatever' }).listBuckets().promise());
    expect(unknownKey.code).to.equal('InvalidAccessKeyId');
    expect(unknownKey.statusCode).to.equal(403);

    const dflt = cosClient(emu().endpoints, { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    const defaultKey = await rejectionOf(dflt.listBuckets().promise());
    expect(defaultKey.code).to.equal('InvalidAccessKeyId');
    const defaultPut = await rejectionOf(dflt.putObject({ Bucket: 'bucket-c', Key: 'sneaky', Body: 'x' }).promise());
    expect(defaultPut.code).to.equal('InvalidAccessKeyId');
    expect((await cos().listObjectsV2({ Bucket: 'bucket-c' }).promise()).KeyCount).to.equal(0);
  });

  it('verifies signatures of keys with spaces, plus signs and non-ASCII characters, and of query strings', async () => {
    const key = 'logs/a b+c/ü (1)*.json';
    await cos().putObject({ Bucket: 'bucket-c', Key: key, Body: 'odd' }).promise();
    const got = await cos().getObject({ Bucket: 'bucket-c', Key: key, ResponseContentType: 'text/plain; charset=utf-8' }).promise();
    expect((got.Body as Buffer).toString('utf8')).to.equal('odd');
    expect(got.ContentType).to.equal('text/plain; charset=utf-8');
    const listed = await cos().listObjectsV2({ Bucket: 'bucket-c', Prefix: 'logs/a b+c/', StartAfter: 'logs/a b+c/' }).promise();
    expect(listed.Contents!.map((o) => o.Key)).to.deep.equal([key]);
  });

  it('pages a delimited listing past whole common prefixes', async () => {
    for (const key of ['a/1', 'a/2', 'b/1', 'c', 'd/1']) await cos().putObject({ Bucket: 'bucket-c', Key: key, Body: 'x' }).promise();
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const page = await cos().listObjectsV2({ Bucket: 'bucket-c', Delimiter: '/', MaxKeys: 2, ...(token ? { ContinuationToken: token } : {}) }).promise();
      pages.push([...page.CommonPrefixes!.map((p) => p.Prefix!), ...page.Contents!.map((o) => o.Key!)].sort());
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
      if (pages.length > 5) throw new Error('paging does not end');
    } while (token);
    expect(pages.flat()).to.deep.equal(['a/', 'b/', 'c', 'd/']);

    const badToken = await rejectionOf(cos().listObjectsV2({ Bucket: 'bucket-c', ContinuationToken: 'bm90LWEtdG9rZW4' }).promise());
    expect(badToken.code).to.equal('InvalidArgument');
  });

  it('serves presigned URLs, refuses tampered ones and unsigned requests', async () => {
    await cos().putObject({ Bucket: 'bucket-e', Key: 'shared.txt', Body: 'presigned body' }).promise();
    const url = cos().getSignedUrl('getObject', { Bucket: 'bucket-e', Key: 'shared.txt', Expires: 60 });
    const ok = await fetch(url);
    expect(ok.status).to.equal(200);
    expect(await ok.text()).to.equal('presigned body');

    const tampered = await fetch(url.replace('shared.txt', 'other.txt'));
    expect(tampered.status).to.equal(403);
    expect(await tampered.text()).to.contain('<Code>SignatureDoesNotMatch</Code>');

    const unsigned = await fetch(`${emu().endpoints.cosEndpoint}/bucket-e/shared.txt`);
    expect(unsigned.status).to.equal(403);
    expect(await unsigned.text()).to.contain('<Code>AccessDenied</Code>');
    const unsignedList = await fetch(`${emu().endpoints.cosEndpoint}/`);
    expect(unsignedList.status).to.equal(403);
  });

  it('a bucket created through the control API is visible to the SDK and usable as a storage bucket', async () => {
    expect((await emu().control('POST', '/buckets', { name: 'team-flow-logs' })).status).to.equal(201);
    const names = (await cos().listBuckets().promise()).Buckets!.map((b) => b.Name);
    expect(names).to.deep.equal(['bucket-c', 'bucket-e', 'bucket-instance-5', 'team-flow-logs']);
    await cos().putObject({ Bucket: 'team-flow-logs', Key: 'probe', Body: 'ok' }).promise();

    const vpcId = await emu().idOf('vpcs', 'vpc-1');
    const created = await emu().createCollector({ target: { id: vpcId }, storage_bucket: { name: 'team-flow-logs' }, name: 'vpc-wide' });
    expect(created.storage_bucket).to.deep.equal({ name: 'team-flow-logs' });
    expect(created.target).to.deep.include({ id: vpcId, resource_type: 'vpc' });
  });

  it('a bucket created through the SDK exists for the service but needs an authorization', async () => {
    await cos().createBucket({ Bucket: 'sdk-made-bucket' }).promise();
    const subnetId = await emu().idOf('subnets', 'subnet-3');
    const body = { target: { id: subnetId }, storage_bucket: { name: 'sdk-made-bucket' } };
    const refused = await emu().vpc('POST', '/v1/flow_log_collectors', { body });
    expect(refused.status).to.equal(403);
    expect(refused.body.errors[0].code).to.equal('flow_log_collector_storage_bucket_not_authorized');
    await emu().control('POST', '/authorizations', { bucket: 'sdk-made-bucket' });
    expect((await emu().vpc('POST', '/v1/flow_log_collectors', { body })).status).to.equal(201);
  });
});

describe('emulator persistence with stateDir (in-process restart)', () => {
  let dir: string;
  const running: RunningEmulator[] = [];
  const start = async (extra: Parameters<typeof startEmulator>[0] = {}) => {
    const e = await startEmulator({ stateDir: dir, log: () => undefined, ...extra });
    running.push(e);
    return e;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ibmflowlogs-state-test-'));
  });
  afterEach(async () => {
    for (const e of running.splice(0)) await e.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The collector list with this run's base URL taken out of hrefs, so two runs compare equal. */
  async function collectors(c: EmulatorClient): Promise<unknown[]> {
    const res = await c.vpc('GET', '/v1/flow_log_collectors');
    expect(res.status).to.equal(200);
    return JSON.parse(JSON.stringify(res.body.flow_log_collectors).split(c.endpoints.vpcEndpoint).join('<base>'));
  }

  it('keeps keys, collectors, buckets, objects, authorizations, events, config and the clock across a restart', async () => {
    const first = new EmulatorClient(await start({ pendingSeconds: 0, deletingSeconds: 0 }));
    const a = await first.createCollector({ target: { id: await first.idOf('subnets', 'subnet-1') }, storage_bucket: { name: 'bucket-c' }, name: 'kept-a' });
    const b = await first.createCollector({ target: { id: await first.idOf('instances', 'instance-5') }, storage_bucket: { name: 'bucket-instance-5' }, name: 'kept-b' });
    const renamed = await first.vpc('PATCH', `/v1/flow_log_collectors/${b.id}`, { body: { name: 'kept-b-renamed' } });
    expect(renamed.status).to.equal(200);
    const suspended = await first.vpc('PATCH', `/v1/flow_log_collectors/${a.id}`, { body: { active: false } });
    expect(suspended.status).to.equal(200);
    expect((await first.control('POST', '/buckets', { name: 'kept-bucket' })).status).to.equal(201);
    const payload = gzipSync('{"flow_logs":[]}');
    await cosClient(first.endpoints).putObject({ Bucket: 'kept-bucket', Key: 'a/b/c.gz', Body: payload, Metadata: { run: 'first' } }).promise();
    await first.control('POST', '/clock/advance', { seconds: 600 });
    first.forgetToken();
    const oldToken = await first.accessToken();
    const listedBefore = await collectors(first);
    expect(listedBefore.map((c: any) => [c.name, c.lifecycle_state, c.active])).to.deep.equal([
      ['kept-a', 'suspended', false],
      ['kept-b-renamed', 'stable', true],
    ]);
    const stateBefore = (await first.control('GET', '/state')).body;
    const endpointsBefore = first.endpoints;
    await first.emulator.close();

    const second = new EmulatorClient(await start());
    expect(second.endpoints.apiKey).to.equal(endpointsBefore.apiKey);
    expect(second.endpoints.cosAccessKeyId).to.equal(endpointsBefore.cosAccessKeyId);
    expect(second.endpoints.cosSecretAccessKey).to.equal(endpointsBefore.cosSecretAccessKey);

    const withOldToken = await second.raw('GET', `${second.endpoints.vpcEndpoint}/v1/vpcs?version=2025-12-16&generation=2`, {
      headers: { authorization: `Bearer ${oldToken}` },
    });
    expect(withOldToken.status).to.equal(200);
    expect((await second.requestToken(endpointsBefore.apiKey)).status).to.equal(200);

    expect(await collectors(second)).to.deep.equal(listedBefore);
    const stateAfter = (await second.control('GET', '/state')).body;
    expect(stateAfter.clock.offsetSeconds).to.equal(600);
    expect(stateAfter.config).to.deep.equal({ pendingSeconds: 0, deletingSeconds: 0, tokenLifetimeSeconds: 3600 });
    expect(stateAfter.authorizations).to.deep.equal(['bucket-c', 'bucket-e', 'bucket-instance-5', 'kept-bucket']);
    expect(stateAfter.buckets).to.deep.equal(stateBefore.buckets);
    expect(stateAfter.events).to.deep.equal(stateBefore.events);
    expect(stateAfter.events.map((e: any) => e.action)).to.deep.equal([
      'is.flow-log-collector.flow-log-collector.create',
      'is.flow-log-collector.flow-log-collector.create',
      'is.flow-log-collector.flow-log-collector.update',
      'is.flow-log-collector.flow-log-collector.update',
    ]);

    const object = await cosClient(second.endpoints).getObject({ Bucket: 'kept-bucket', Key: 'a/b/c.gz' }).promise();
    expect(Buffer.compare(object.Body as Buffer, payload)).to.equal(0);
    expect(object.Metadata).to.deep.equal({ run: 'first' });

    // The restored collectors still obey the service rules: their targets and names stay taken.
    const clash = await second.vpc('POST', '/v1/flow_log_collectors', { body: { target: { id: a.target.id }, storage_bucket: { name: 'bucket-c' } } });
    expect(clash.status).to.equal(409);
    expect(clash.body.errors[0].code).to.equal('flow_log_collector_target_conflict');
  });

  it('keeps a replaced topology and a deletion across a restart', async () => {
    const first = new EmulatorClient(await start({ pendingSeconds: 0, deletingSeconds: 0 }));
    const instance6 = await first.idOf('instances', 'instance-6');
    expect((await first.control('DELETE', `/topology/${instance6}`)).status).to.equal(200);
    const c = await first.createCollector({ target: { id: await first.idOf('subnets', 'subnet-2') }, storage_bucket: { name: 'bucket-e' } });
    expect((await first.vpc('DELETE', `/v1/flow_log_collectors/${c.id}`)).status).to.equal(204);
    await first.emulator.close();

    const second = new EmulatorClient(await start());
    expect((await second.topology()).instances.map((i: any) => i.name)).to.not.include('instance-6');
    expect((await second.vpc('GET', `/v1/instances/${instance6}`)).status).to.equal(404);
    expect((await second.vpc('GET', '/v1/flow_log_collectors')).body.total_count).to.equal(0);
    // The seed is kept too: a reset after the restart brings instance-6 back.
    await second.control('POST', '/reset');
    expect((await second.vpc('GET', `/v1/instances/${instance6}`)).status).to.equal(200);
  });

  it('refuses a state file that is not JSON, with a message naming the file', async () => {
    writeFileSync(join(dir, 'emulator-state.json'), '{"format": 1, "seed": ');
    let error: Error | undefined;
    try {
      await start();
    } catch (e) {
      error = e as Error;
    }
    expect(error, 'startEmulator should reject').to.be.instanceOf(Error);
    expect(error!.message).to.contain(join(dir, 'emulator-state.json'));
    expect(error!.message).to.contain('is not valid JSON');
  });

  it('refuses a state file of an unknown format', async () => {
    writeFileSync(join(dir, 'emulator-state.json'), JSON.stringify({ format: 2 }));
    let error: Error | undefined;
    try {
      await start();
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).to.equal(`${join(dir, 'emulator-state.json')} has state format 2; this emulator reads format 1`);
  });
});
