import { expect } from 'chai';
import { IamTokenSource, IbmError, IbmTaggingError, IbmValidationError, searchEndpointFor, TaggingClient, VpcClient } from '../../provider/src/ibm';
import { expectNoSecrets, ibmConnectionOf, rejectionOf, requestCounts, useEmulator, type EmulatorClient } from '../support/emulator';

/** The Global Tagging client (user tags by CRN) against the emulator's /v3/tags. */

const ATTACH = 'POST /v3/tags/attach';
const DETACH = 'POST /v3/tags/detach';
const LIST = 'GET /v3/tags';

async function collectorCrn(emu: EmulatorClient, subnet = 'subnet-1'): Promise<string> {
  const body = await emu.createCollector({ target: { id: await emu.idOf('subnets', subnet) }, storage_bucket: { name: 'bucket-c' } });
  return body.crn;
}

describe('TaggingClient', () => {
  const emu = useEmulator();
  let tagging: TaggingClient;
  beforeEach(() => {
    tagging = new TaggingClient(ibmConnectionOf(emu().endpoints));
  });
  afterEach(() => tagging.destroy());

  it('attaches, lists and detaches user tags on a collector\'s CRN', async () => {
    const crn = await collectorCrn(emu());
    expect(await tagging.listTags(crn)).to.deep.equal([]);
    await tagging.attachTags(crn, ['env:dev', 'team:network', 'flow logs']);
    expect(await tagging.listTags(crn)).to.deep.equal(['env:dev', 'flow logs', 'team:network']);
    await tagging.detachTags(crn, ['env:dev', 'not-attached']);
    expect(await tagging.listTags(crn)).to.deep.equal(['flow logs', 'team:network']);
    expect((await emu().control('GET', '/state')).body.tags).to.deep.equal({ [crn]: ['flow logs', 'team:network'] });
    const counts = await requestCounts(emu());
    expect([counts[ATTACH], counts[DETACH], counts[LIST]]).to.deep.equal([1, 1, 3]);
  });

  it('tags are not case-sensitive: the emulator spells them back in lowercase', async () => {
    const crn = await collectorCrn(emu());
    await tagging.attachTags(crn, ['Env:Prod']);
    await tagging.attachTags(crn, ['env:prod']);
    expect(await tagging.listTags(crn)).to.deep.equal(['env:prod']);
    await tagging.detachTags(crn, ['ENV:PROD']);
    expect(await tagging.listTags(crn)).to.deep.equal([]);
  });

  it('sends nothing for an empty tag list', async () => {
    const crn = await collectorCrn(emu());
    await emu().control('DELETE', '/requests');
    await tagging.attachTags(crn, []);
    await tagging.detachTags(crn, []);
    expect((await emu().control('GET', '/requests')).body.total).to.equal(0);
  });

  it('pages through more than one page of tags', async () => {
    const crn = await collectorCrn(emu());
    const names = Array.from({ length: 150 }, (_, i) => `t-${String(i).padStart(3, '0')}`);
    await tagging.attachTags(crn, names.slice(0, 100));
    await tagging.attachTags(crn, names.slice(100));
    await emu().control('DELETE', '/requests');
    expect(await tagging.listTags(crn)).to.deep.equal(names);
    expect((await requestCounts(emu()))[LIST]).to.equal(2);
  });

  it('a resource Global Tagging reports is_error for rejects with IbmTaggingError naming it', async () => {
    const unknown = 'crn:v1:bluemix:public:is:us-south:a/7c1f0e4b2a9d48e6b3f5a0c2d9e8f716::flow-log-collector:r006-00000000-0000-4000-a000-000000000000';
    const error = await rejectionOf<IbmTaggingError>(tagging.attachTags(unknown, ['env:dev']));
    expect(IbmTaggingError.isInstance(error)).to.equal(true);
    expect(error).to.deep.include({ code: 'ERR_IBM_TAGGING', status: 200, resourceId: unknown, method: 'POST' });
    expect(error.message).to.contain(`Could not attach tags "env:dev" to ${unknown}: Global Tagging reported an error for ${unknown}`);
  });

  it('an invalid tag is an IbmValidationError with IBM\'s message, not retried', async () => {
    const crn = await collectorCrn(emu());
    await emu().control('DELETE', '/requests');
    const error = await rejectionOf<IbmValidationError>(tagging.attachTags(crn, ['ok', 'no/slashes']));
    expect(IbmValidationError.isInstance(error)).to.equal(true);
    expect(error).to.deep.include({ code: 'ERR_IBM_VALIDATION', status: 400, ibmCode: 'invalid_value', target: 'tag_names[1]' });
    expect(error.message).to.contain('"no/slashes" is not a valid tag');
    expect((await requestCounts(emu()))[ATTACH]).to.equal(1);
  });

  it('retries attach, detach and list after 503 and a dropped connection (both POSTs are idempotent)', async () => {
    const crn = await collectorCrn(emu());
    await emu().control('POST', '/faults', { method: 'POST', path: '/v3/tags/attach', kind: '503', count: 1 });
    await emu().control('POST', '/faults', { method: 'POST', path: '/v3/tags/detach', kind: 'lost-response', count: 1 });
    await emu().control('POST', '/faults', { method: 'GET', path: '/v3/tags', kind: 'drop', count: 1 });
    await emu().control('DELETE', '/requests');
    await tagging.attachTags(crn, ['a', 'b']);
    await tagging.detachTags(crn, ['a']);
    expect(await tagging.listTags(crn)).to.deep.equal(['b']);
    const counts = await requestCounts(emu());
    expect([counts[ATTACH], counts[DETACH], counts[LIST]]).to.deep.equal([2, 2, 2]);
  });

  it('shares one IAM token with the VPC client when given the same authenticator', async () => {
    const conn = ibmConnectionOf(emu().endpoints);
    const auth = new IamTokenSource({ apiKey: conn.apiKey, iamEndpoint: conn.iamEndpoint });
    const vpc = new VpcClient(conn, { authenticator: auth });
    const tags = new TaggingClient(conn, { authenticator: auth });
    try {
      const crn = (await vpc.createCollector({ target: { id: await emu().idOf('subnets', 'subnet-2') }, storageBucket: 'bucket-c' })).crn;
      await tags.attachTags(crn, ['shared']);
      expect(await tags.listTags(crn)).to.deep.equal(['shared']);
      expect((await requestCounts(emu()))['POST /identity/token']).to.equal(1);
    } finally {
      vpc.destroy();
      tags.destroy();
    }
  });

  it('re-authenticates once after a 401 for an expired token', async () => {
    const crn = await collectorCrn(emu());
    await tagging.listTags(crn);
    await emu().control('POST', '/tokens/expire');
    await emu().control('DELETE', '/requests');
    await tagging.attachTags(crn, ['after-expiry']);
    const counts = await requestCounts(emu());
    expect([counts[ATTACH], counts['POST /identity/token']]).to.deep.equal([2, 1]);
  });

  it('errors carry no API key or token', async () => {
    const crn = await collectorCrn(emu());
    const conn = ibmConnectionOf(emu().endpoints);
    const inner = new IamTokenSource({ apiKey: conn.apiKey, iamEndpoint: conn.iamEndpoint });
    const handedOut: string[] = [];
    const recording = {
      authorizationHeader: async () => {
        const h = await inner.authorizationHeader();
        handedOut.push(h, h.replace(/^Bearer /, ''));
        return h;
      },
      invalidate: (h?: string) => inner.invalidate(h),
    };
    const client = new TaggingClient(conn, { authenticator: recording });
    const errors: unknown[] = [];
    errors.push(await rejectionOf(client.attachTags(crn, ['x'.repeat(129)])));
    errors.push(await rejectionOf(client.detachTags('crn:v1:nothing', ['a'])));
    client.destroy();
    const wrong = new TaggingClient(ibmConnectionOf(emu().endpoints, { apiKey: 'tagging-wrong-key-0123456789' }));
    errors.push(await rejectionOf(wrong.listTags(crn)));
    wrong.destroy();
    expect(handedOut.length).to.be.greaterThan(0);
    expect(errors.every((e) => IbmError.isInstance(e))).to.equal(true);
    for (const e of errors) expectNoSecrets(e, [emu().endpoints.apiKey, emu().endpoints.cosSecretAccessKey, 'tagging-wrong-key-0123456789', ...handedOut]);
  });
});

describe('TaggingClient: access management tags and Global Search', () => {
  const emu = useEmulator();
  let tagging: TaggingClient;
  beforeEach(() => {
    tagging = new TaggingClient(ibmConnectionOf(emu().endpoints));
  });
  afterEach(() => tagging.destroy());

  it('creates access tags, attaches, lists and detaches them apart from user tags; listAccountAccessTags shows the account\'s', async () => {
    const crn = await collectorCrn(emu());
    await tagging.createAccessTags(['env:prod', 'cost-center:1234']);
    await tagging.createAccessTags(['env:prod']); // already there: nothing changes
    expect(await tagging.listAccountAccessTags()).to.deep.equal(['cost-center:1234', 'env:prod']);
    await tagging.attachTags(crn, ['env:prod', 'cost-center:1234'], { tagType: 'access' });
    await tagging.attachTags(crn, ['owner:ops']);
    expect(await tagging.listTags(crn, { tagType: 'access' })).to.deep.equal(['cost-center:1234', 'env:prod']);
    expect(await tagging.listTags(crn)).to.deep.equal(['owner:ops']);
    await tagging.detachTags(crn, ['cost-center:1234'], { tagType: 'access' });
    expect(await tagging.listTags(crn, { tagType: 'access' })).to.deep.equal(['env:prod']);
    const counts = await requestCounts(emu());
    expect([counts['POST /v3/tags'], counts[ATTACH], counts[DETACH]]).to.deep.equal([2, 2, 1]);
  });

  it('an access tag the account does not have rejects with a typed 404 naming it; an access tag not key:value with the rule', async () => {
    const crn = await collectorCrn(emu());
    const missing = await rejectionOf<IbmError>(tagging.attachTags(crn, ['env:staging'], { tagType: 'access' }));
    expect([missing.code, missing.status]).to.deep.equal(['ERR_IBM_NOT_FOUND', 404]);
    expect(missing.message).to.contain('The access management tag "env:staging" does not exist in this account');
    const invalid = await rejectionOf<IbmError>(tagging.createAccessTags(['staging']));
    expect(IbmValidationError.isInstance(invalid)).to.equal(true);
    expect(invalid.message).to.contain('"staging" is not an access management tag; access tags are key:value');
  });

  it('searchTags reads user and access tags in one Global Search call (Terraform\'s read path); undefined for an unknown CRN', async () => {
    const crn = await collectorCrn(emu());
    await tagging.createAccessTags(['env:prod']);
    await tagging.attachTags(crn, ['env:prod'], { tagType: 'access' });
    await tagging.attachTags(crn, ['owner:ops', 'flow logs']);
    await emu().control('DELETE', '/requests');
    expect(await tagging.searchTags(crn)).to.deep.equal({ tags: ['flow logs', 'owner:ops'], accessTags: ['env:prod'] });
    expect(await requestCounts(emu())).to.deep.include({ 'POST /v3/resources/search': 1 });
    expect(await tagging.searchTags('crn:v1:bluemix:public:is:us-south:a/x::flow-log-collector:r006-none')).to.equal(undefined);
  });

  it('Global Search is retried like a GET after a 503, and a caller\'s signal stops it', async () => {
    const crn = await collectorCrn(emu());
    await emu().control('POST', '/faults', { method: 'POST', path: '/v3/resources/search', kind: '503', count: 1 });
    expect(await tagging.searchTags(crn)).to.deep.equal({ tags: [], accessTags: [] });
    expect((await requestCounts(emu()))['POST /v3/resources/search']).to.equal(2);
    await emu().control('POST', '/faults', { method: 'POST', path: '/v3/resources/search', kind: 'latency', latencyMs: 2000, count: 1 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const aborted = await rejectionOf<IbmError>(tagging.searchTags(crn, { signal: controller.signal }));
    expect(aborted.code).to.equal('ERR_IBM_ABORTED');
    expect(Date.now() - started).to.be.below(1000);
  });

  it('searchEndpointFor: IBM\'s Search host next to IBM\'s Tagging host (public and private), else the same base', () => {
    expect(searchEndpointFor('https://tags.global-search-tagging.cloud.ibm.com')).to.equal('https://api.global-search-tagging.cloud.ibm.com');
    expect(searchEndpointFor('https://tags.private.global-search-tagging.cloud.ibm.com')).to.equal('https://api.private.global-search-tagging.cloud.ibm.com');
    expect(searchEndpointFor('http://127.0.0.1:8080')).to.equal('http://127.0.0.1:8080');
  });
});
