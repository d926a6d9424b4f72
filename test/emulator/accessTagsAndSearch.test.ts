import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import GlobalSearchV2 = require('@ibm-cloud/platform-services/global-search/v2');
import GlobalTaggingV1 = require('@ibm-cloud/platform-services/global-tagging/v1');
import { IamAuthenticator } from 'ibm-cloud-sdk-core';
import { startEmulator, type EmulatorEndpoints } from '../../emulator/src';
import { EmulatorClient, useEmulator } from '../support/emulator';

/**
 * Access management tags in the emulator's Global Tagging (`tag_type=access`) and its Global Search
 * (`POST /v3/resources/search`, how Terraform reads tags), driven with IBM's own clients from
 * @ibm-cloud/platform-services over real HTTP. IBM's rules: access tags are `key:value`, created in the account before
 * they can be attached, and cannot be deleted while attached.
 */

function clients(e: EmulatorEndpoints) {
  const authenticator = new IamAuthenticator({ apikey: e.apiKey, url: e.iamEndpoint });
  return {
    tagging: new GlobalTaggingV1({ authenticator, serviceUrl: e.taggingEndpoint }),
    search: new GlobalSearchV2({ authenticator, serviceUrl: e.taggingEndpoint }),
  };
}

/** The status and IBM error code an SDK call rejects with. */
async function failure(p: Promise<unknown>): Promise<{ status: number; code: string; message: string }> {
  try {
    await p;
  } catch (error) {
    const e = error as { status: number; body?: string };
    const errors: Array<{ code: string; message: string }> = JSON.parse(e.body ?? '{}').errors ?? [];
    return { status: e.status, code: errors[0]?.code, message: errors.map((x) => x.message).join(' | ') };
  }
  throw new Error('expected the call to fail');
}

async function someCrns(emu: EmulatorClient) {
  const t = await emu.topology();
  const collector = await emu.createCollector({ target: { id: t.vpcs[0].id }, storage_bucket: { name: 'bucket-c' } });
  return { vpc: t.vpcs[0].crn as string, subnet: t.subnets[0].crn as string, collector: collector.crn as string };
}

describe('emulator Global Tagging: access management tags through IBM\'s GlobalTaggingV1', () => {
  const emu = useEmulator();

  it('create, attach, list (by resource and in the account), detach and delete an access tag', async () => {
    const { tagging } = clients(emu().endpoints);
    const { collector, vpc } = await someCrns(emu());
    const created = await tagging.createTag({ tagNames: ['env:prod', 'Team:Network'], tagType: 'access' });
    expect(created.result).to.deep.equal({ results: [{ tag_name: 'env:prod', is_error: false }, { tag_name: 'team:network', is_error: false }] });
    const attached = await tagging.attachTag({ resources: [{ resource_id: collector }, { resource_id: vpc }], tagNames: ['env:prod'], tagType: 'access' });
    expect(attached.result.results).to.deep.equal([{ resource_id: collector, is_error: false }, { resource_id: vpc, is_error: false }]);
    expect((await tagging.listTags({ attachedTo: collector, tagType: 'access' })).result.items).to.deep.equal([{ name: 'env:prod' }]);
    // User tags and access tags are kept apart.
    expect((await tagging.listTags({ attachedTo: collector, tagType: 'user' })).result.items).to.deep.equal([]);
    expect((await tagging.listTags({ tagType: 'access' })).result.items).to.deep.equal([{ name: 'env:prod' }, { name: 'team:network' }]);
    expect((await tagging.listTags({ tagType: 'access', attachedOnly: true })).result.items).to.deep.equal([{ name: 'env:prod' }]);

    // Attached: cannot be deleted; detached everywhere: can.
    const busy = await tagging.deleteTag({ tagName: 'env:prod', tagType: 'access' });
    expect(busy.result.results![0]).to.deep.include({ provider: 'ghost', is_error: true });
    await tagging.detachTag({ resources: [{ resource_id: collector }, { resource_id: vpc }], tagNames: ['env:prod'], tagType: 'access' });
    expect((await tagging.deleteTag({ tagName: 'env:prod', tagType: 'access' })).result.results).to.deep.equal([{ provider: 'ghost', is_error: false }]);
    expect((await tagging.listTags({ tagType: 'access' })).result.items).to.deep.equal([{ name: 'team:network' }]);
    expect(await failure(tagging.deleteTag({ tagName: 'env:prod', tagType: 'access' }))).to.deep.include({ status: 404, code: 'tag_not_found' });
  });

  it('IBM\'s access-tag rules: key:value only, created before attached, every problem in one 400', async () => {
    const { tagging } = clients(emu().endpoints);
    const { collector } = await someCrns(emu());
    const notKeyValue = await failure(tagging.createTag({ tagNames: ['prod', ':x', 'env:'], tagType: 'access' }));
    expect(notKeyValue).to.deep.include({ status: 400, code: 'invalid_value' });
    expect(notKeyValue.message).to.contain('"prod" is not an access management tag').and.contain('":x"').and.contain('"env:"');
    const missing = await failure(tagging.attachTag({ resources: [{ resource_id: collector }], tagNames: ['env:prod'], tagType: 'access' }));
    expect(missing).to.deep.include({ status: 404, code: 'tag_not_found' });
    expect(missing.message).to.contain('create it first with POST /v3/tags?tag_type=access');
    // Only access tags are created this way.
    expect(await failure(tagging.createTag({ tagNames: ['env:prod'], tagType: 'user' }))).to.deep.include({ status: 400, code: 'invalid_value' });
    expect((await tagging.listTags({ attachedTo: collector, tagType: 'access' })).result.items).to.deep.equal([]);
  });

  it('access tags are in GET /_emulator/state, survive a --state restart, and go on reset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ibmflowlogs-access-tags-'));
    try {
      const first = new EmulatorClient(await startEmulator({ stateDir: dir, pendingSeconds: 0, log: () => undefined }));
      const { tagging } = clients(first.endpoints);
      const { collector } = await someCrns(first);
      await tagging.createTag({ tagNames: ['env:prod', 'cost:shared'], tagType: 'access' });
      await tagging.attachTag({ resources: [{ resource_id: collector }], tagNames: ['env:prod'], tagType: 'access' });
      expect((await first.control('GET', '/state')).body.accessTags).to.deep.equal({ defined: ['cost:shared', 'env:prod'], attached: { [collector]: ['env:prod'] } });
      await first.emulator.close();
      const second = new EmulatorClient(await startEmulator({ stateDir: dir, log: () => undefined }));
      const again = clients(second.endpoints).tagging;
      expect((await again.listTags({ attachedTo: collector, tagType: 'access' })).result.items).to.deep.equal([{ name: 'env:prod' }]);
      await second.control('POST', '/reset');
      expect((await second.control('GET', '/state')).body.accessTags).to.deep.equal({ defined: [], attached: {} });
      await second.emulator.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('emulator Global Search through IBM\'s GlobalSearchV2 (how Terraform reads tags)', () => {
  const emu = useEmulator();

  it('crn:"<CRN>" with fields access_tags, tags, service_tags answers the resource with both kinds of tags', async () => {
    const { tagging, search } = clients(emu().endpoints);
    const { collector, subnet } = await someCrns(emu());
    await tagging.createTag({ tagNames: ['env:prod'], tagType: 'access' });
    await tagging.attachTag({ resources: [{ resource_id: collector }], tagNames: ['env:prod'], tagType: 'access' });
    await tagging.attachTag({ resources: [{ resource_id: collector }], tagNames: ['owner:ops', 'flowlogs'], tagType: 'user' });
    // Terraform's GetGlobalTagsUsingSearchAPI: query crn:"<crn>", fields access_tags, tags, service_tags.
    const res = await search.search({ query: `crn:"${collector}"`, fields: ['access_tags', 'tags', 'service_tags'] });
    expect(res.result).to.deep.equal({ limit: 10, items: [{ crn: collector, tags: ['flowlogs', 'owner:ops'], access_tags: ['env:prod'], service_tags: [] }] });
    const two = await search.search({ query: `crn:"${collector}" OR crn:"${subnet}"`, fields: ['name', 'type', 'tags'] });
    expect(two.result.items.map((i: any) => [i.type, i.tags])).to.deep.equal([['subnet', []], ['flow-log-collector', ['flowlogs', 'owner:ops']]]);
    expect((await search.search({ query: 'crn:"crn:v1:bluemix:public:is:us-south:a/x::vpc:none"', fields: ['tags'] })).result.items).to.deep.equal([]);
  });

  it('pages with search_cursor, refuses queries and fields it does not serve, and needs a token', async () => {
    const { search } = clients(emu().endpoints);
    await someCrns(emu());
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await search.search({ query: '*', fields: ['crn'], limit: 4, ...(cursor ? { searchCursor: cursor } : {}) });
      seen.push(...page.result.items.map((i: any) => i.crn));
      cursor = page.result.search_cursor;
      pages += 1;
    } while (cursor);
    const t = await emu().topology();
    // 1 VPC, 3 subnets, 6 instances, 2 VNIs and the collector.
    expect(seen).to.have.length(13);
    expect(new Set(seen).size).to.equal(13);
    expect(seen).to.include(t.instances[5].crn);
    expect(pages).to.equal(4);
    expect(await failure(search.search({ query: 'name:vpc-1', fields: ['crn'] }))).to.deep.include({ status: 400, code: 'invalid_value' });
    expect(await failure(search.search({ query: '*', fields: ['doc'] }))).to.deep.include({ status: 400, code: 'invalid_value' });
    const anonymous = await emu().raw('POST', `${emu().endpoints.taggingEndpoint}/v3/resources/search`, { headers: { 'content-type': 'application/json' }, body: '{"query":"*"}' });
    expect(anonymous.status).to.equal(401);
  });
});
