import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../emulator/src';
import { EmulatorClient, firstError, useEmulator, type HttpResult } from '../support/emulator';

/**
 * The emulator's Global Tagging endpoints (/v3/tags) over real HTTP: shapes, auth, IBM's tag rule, per-resource
 * errors inside a 200, paging, state, reset, persistence, counters and faults.
 */

async function tags(c: EmulatorClient, method: string, path: string, options: { query?: Record<string, string>; body?: unknown; rawBody?: string; contentType?: string; authorization?: string | null } = {}): Promise<HttpResult> {
  const q = new URLSearchParams(options.query ?? {}).toString();
  const headers: Record<string, string> = { accept: 'application/json' };
  const auth = options.authorization === undefined ? `Bearer ${await c.accessToken()}` : options.authorization;
  if (auth !== null) headers.authorization = auth;
  let body = options.rawBody;
  if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  return c.raw(method, `${c.endpoints.taggingEndpoint}${path}${q ? `?${q}` : ''}`, { headers, body });
}

const attach = (c: EmulatorClient, crns: string[], names: unknown, extra: Record<string, unknown> = {}) =>
  tags(c, 'POST', '/v3/tags/attach', { query: { tag_type: 'user' }, body: { resources: crns.map((resource_id) => ({ resource_id })), tag_names: names, ...extra } });
const detach = (c: EmulatorClient, crns: string[], names: unknown) =>
  tags(c, 'POST', '/v3/tags/detach', { query: { tag_type: 'user' }, body: { resources: crns.map((resource_id) => ({ resource_id })), tag_names: names } });
const list = (c: EmulatorClient, query: Record<string, string> = {}) => tags(c, 'GET', '/v3/tags', { query: { tag_type: 'user', ...query } });

async function vpcCrn(c: EmulatorClient): Promise<string> {
  return (await c.topology()).vpcs[0].crn;
}

describe('emulator Global Tagging', () => {
  const emu = useEmulator();

  it('taggingEndpoint is the base URL, next to the VPC API', () => {
    expect(emu().endpoints.taggingEndpoint).to.equal(emu().endpoints.vpcEndpoint);
    expect(emu().endpoints.vpcEndpoint).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('attach answers {results: [{resource_id, is_error: false}]}; list answers {total_count, offset, limit, items}', async () => {
    const crn = await vpcCrn(emu());
    const res = await attach(emu(), [crn], ['env:dev', 'team:net']);
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ results: [{ resource_id: crn, is_error: false }] });
    const listed = await list(emu(), { attached_to: crn });
    expect(listed.status).to.equal(200);
    expect(listed.body).to.deep.equal({ total_count: 2, offset: 0, limit: 100, items: [{ name: 'env:dev' }, { name: 'team:net' }] });
    const detached = await detach(emu(), [crn], ['env:dev']);
    expect(detached.body).to.deep.equal({ results: [{ resource_id: crn, is_error: false }] });
    expect((await list(emu(), { attached_to: crn })).body.items).to.deep.equal([{ name: 'team:net' }]);
  });

  it('takes tag_name as well as tag_names, and tags several resources at once', async () => {
    const t = await emu().topology();
    const crns = [t.vpcs[0].crn, t.subnets[0].crn, t.instances[0].crn, t.virtualNetworkInterfaces[0].crn];
    const res = await attach(emu(), crns, ['b'], { tag_name: 'a' });
    expect(res.body.results.map((r: any) => r.is_error)).to.deep.equal([false, false, false, false]);
    for (const crn of crns) expect((await list(emu(), { attached_to: crn })).body.items).to.deep.equal([{ name: 'a' }, { name: 'b' }]);
  });

  it('without attached_to, lists every user tag in use once; access and service tags are empty', async () => {
    const t = await emu().topology();
    await attach(emu(), [t.vpcs[0].crn], ['shared', 'vpc-only']);
    await attach(emu(), [t.subnets[0].crn], ['shared']);
    expect((await list(emu())).body.items).to.deep.equal([{ name: 'shared' }, { name: 'vpc-only' }]);
    expect((await list(emu(), { order_by_name: 'desc' })).body.items).to.deep.equal([{ name: 'vpc-only' }, { name: 'shared' }]);
    expect((await list(emu(), { tag_type: 'access' })).body).to.deep.equal({ total_count: 0, offset: 0, limit: 100, items: [] });
    expect((await list(emu(), { tag_type: 'service' })).body.items).to.deep.equal([]);
    expect((await list(emu(), { providers: 'ims' })).body.items).to.deep.equal([]);
  });

  it('pages with offset and limit', async () => {
    const crn = await vpcCrn(emu());
    const names = Array.from({ length: 12 }, (_, i) => `tag-${String(i).padStart(2, '0')}`);
    await attach(emu(), [crn], names);
    const page = await list(emu(), { attached_to: crn, offset: '5', limit: '4' });
    expect(page.body).to.deep.equal({ total_count: 12, offset: 5, limit: 4, items: names.slice(5, 9).map((name) => ({ name })) });
    expect((await list(emu(), { attached_to: crn, offset: '12' })).body.items).to.deep.equal([]);
  });

  it('tags are not case-sensitive: kept and answered in lowercase', async () => {
    const crn = await vpcCrn(emu());
    await attach(emu(), [crn], ['Env:Prod', 'env:prod', 'ENV:PROD', 'Owner:Ops Team']);
    expect((await list(emu(), { attached_to: crn })).body.items).to.deep.equal([{ name: 'env:prod' }, { name: 'owner:ops team' }]);
    await detach(emu(), [crn], ['ENV:prod']);
    expect((await list(emu(), { attached_to: crn })).body.items).to.deep.equal([{ name: 'owner:ops team' }]);
  });

  describe('IBM\'s tag rule: 1-128 characters of A-Z a-z 0-9 space _ - . :', () => {
    const valid = ['a', 'env:prod', 'with space', 'a_b-c.d:e', 'UPPER', 'x'.repeat(128), '0', ':', 'k:v:w'];
    const invalid = ['', 'x'.repeat(129), 'a/b', 'a,b', 'é', 'tag!', 'tab\there', 'a@b', '#x'];
    for (const name of valid) {
      it(`accepts ${JSON.stringify(name.length > 20 ? `${name.slice(0, 8)}…(${name.length})` : name)}`, async () => {
        const res = await attach(emu(), [await vpcCrn(emu())], [name]);
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
      });
    }
    for (const name of invalid) {
      it(`refuses ${JSON.stringify(name.length > 20 ? `${name.slice(0, 8)}…(${name.length})` : name)}`, async () => {
        const crn = await vpcCrn(emu());
        const res = await attach(emu(), [crn], ['fine', name]);
        expect(res.status).to.equal(400);
        expect(firstError(res.body)).to.deep.include({ code: 'invalid_value' });
        expect(firstError(res.body).target).to.deep.include({ name: 'tag_names[1]', type: 'field' });
        // Nothing is attached when one name is bad.
        expect((await list(emu(), { attached_to: crn })).body.items).to.deep.equal([]);
      });
    }
  });

  it('lists every problem of a bad body in one 400', async () => {
    const res = await tags(emu(), 'POST', '/v3/tags/attach', { body: { resources: [{ resource_id: '' }, {}], tag_names: ['ok', 'bad/1', 'bad/2'] } });
    expect(res.status).to.equal(400);
    expect(res.body.status_code).to.equal(400);
    expect(res.body.errors.map((e: any) => [e.code, e.target?.name])).to.deep.equal([
      ['invalid_value', 'resources[0].resource_id'],
      ['invalid_value', 'resources[1].resource_id'],
      ['invalid_value', 'tag_names[1]'],
      ['invalid_value', 'tag_names[2]'],
    ]);
    const missing = await tags(emu(), 'POST', '/v3/tags/detach', { body: {} });
    expect(missing.body.errors.map((e: any) => [e.code, e.target?.name])).to.deep.equal([
      ['missing_field', 'resources'],
      ['missing_field', 'tag_names'],
    ]);
    const notObject = await tags(emu(), 'POST', '/v3/tags/attach', { body: ['x'] });
    expect(firstError(notObject.body).code).to.equal('invalid_request');
    const media = await tags(emu(), 'POST', '/v3/tags/attach', { rawBody: '{}', contentType: 'text/plain' });
    expect([media.status, firstError(media.body).code]).to.deep.equal([415, 'unsupported_media_type']);
  });

  it('refuses service tags and an access tag never created on attach, and bad query values on list', async () => {
    const crn = await vpcCrn(emu());
    const service = await tags(emu(), 'POST', '/v3/tags/attach', { query: { tag_type: 'service' }, body: { resources: [{ resource_id: crn }], tag_names: ['k:v'] } });
    expect([service.status, firstError(service.body).code]).to.deep.equal([400, 'invalid_value']);
    const access = await tags(emu(), 'POST', '/v3/tags/attach', { query: { tag_type: 'access' }, body: { resources: [{ resource_id: crn }], tag_names: ['k:v'] } });
    expect([access.status, firstError(access.body).code]).to.deep.equal([404, 'tag_not_found']);
    const bad: Array<Record<string, string>> = [{ tag_type: 'other' }, { limit: '0' }, { limit: '1001' }, { offset: '-1' }, { providers: 'softlayer' }, { order_by_name: 'up' }];
    for (const query of bad) {
      const res = await list(emu(), query);
      expect(res.status, JSON.stringify(query)).to.equal(400);
      expect(firstError(res.body).code).to.equal('invalid_value');
    }
  });

  it('an unknown CRN gets is_error with a message while the known ones are tagged', async () => {
    const crn = await vpcCrn(emu());
    const unknown = 'crn:v1:bluemix:public:is:us-south:a/7c1f0e4b2a9d48e6b3f5a0c2d9e8f716::vpc:r006-00000000-0000-4000-a000-000000000000';
    const res = await attach(emu(), [unknown, crn], ['x']);
    expect(res.status).to.equal(200);
    expect(res.body.results[0]).to.deep.include({ resource_id: unknown, is_error: true });
    expect(res.body.results[0].message).to.contain('No resource with CRN');
    expect(res.body.results[1]).to.deep.equal({ resource_id: crn, is_error: false });
    expect((await list(emu(), { attached_to: unknown })).body.items).to.deep.equal([]);
  });

  it('tags a collector by its CRN, in any lifecycle state', async () => {
    const body = await emu().createCollector({ target: { id: await emu().idOf('subnets', 'subnet-2') }, storage_bucket: { name: 'bucket-c' } });
    const res = await attach(emu(), [body.crn], ['collector']);
    expect(res.body.results).to.deep.equal([{ resource_id: body.crn, is_error: false }]);
  });

  it('needs an IAM token (401 in IBM\'s body) but no version query', async () => {
    const none = await tags(emu(), 'GET', '/v3/tags', { authorization: null });
    expect(none.status).to.equal(401);
    expect(firstError(none.body).code).to.equal('not_authorized');
    const forged = await tags(emu(), 'GET', '/v3/tags', { authorization: 'Bearer aaa.bbb.ccc' });
    expect(forged.status).to.equal(401);
    const ok = await tags(emu(), 'GET', '/v3/tags');
    expect(ok.status).to.equal(200);
    await emu().control('POST', '/tokens/expire');
    const expired = await tags(emu(), 'GET', '/v3/tags');
    expect(expired.status).to.equal(401);
    expect(firstError(expired.body).message).to.contain('expired');
  });

  it('answers 405 for other methods on /v3/tags', async () => {
    const res = await tags(emu(), 'PUT', '/v3/tags/attach');
    expect(res.status).to.equal(405);
    expect(res.headers.get('allow')).to.equal('DELETE, POST');
  });

  it('shows tags in GET /_emulator/state, clears them on reset, counts and faults the routes', async () => {
    const crn = await vpcCrn(emu());
    await emu().control('POST', '/faults', { method: 'POST', path: '/v3/tags/*', kind: '503', count: 1 });
    const faulted = await attach(emu(), [crn], ['x']);
    expect(faulted.status).to.equal(503);
    await attach(emu(), [crn], ['x', 'y']);
    const r = (await emu().control('GET', '/requests')).body;
    expect(r.byRoute['POST /v3/tags/attach']).to.equal(2);
    expect(r.faultsFired).to.equal(1);
    expect((await emu().control('GET', '/state')).body.tags).to.deep.equal({ [crn]: ['x', 'y'] });
    expect((await emu().control('POST', '/reset')).status).to.equal(204);
    expect((await emu().control('GET', '/state')).body.tags).to.deep.equal({});
    expect((await list(emu(), { attached_to: crn })).body.items).to.deep.equal([]);
  });
});

describe('emulator Global Tagging persistence', () => {
  it('keeps tags across a restart with stateDir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ibmflowlogs-tags-'));
    try {
      const first = new EmulatorClient(await startEmulator({ stateDir: dir, pendingSeconds: 0, log: () => undefined }));
      const crn = await vpcCrn(first);
      await attach(first, [crn], ['kept:across-restart']);
      await first.emulator.close();
      const second = new EmulatorClient(await startEmulator({ stateDir: dir, log: () => undefined }));
      try {
        expect((await list(second, { attached_to: crn })).body.items).to.deep.equal([{ name: 'kept:across-restart' }]);
        expect((await second.control('GET', '/state')).body.tags).to.deep.equal({ [crn]: ['kept:across-restart'] });
      } finally {
        await second.emulator.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
