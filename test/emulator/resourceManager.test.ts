import ResourceManagerV2 = require('@ibm-cloud/platform-services/resource-manager/v2');
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { IamAuthenticator } from 'ibm-cloud-sdk-core';
import { DEFAULT_TOPOLOGY } from '../../emulator/src';
import { rejectionOf, useEmulator, type EmulatorClient } from '../support/emulator';

/** The emulator's Resource Manager (resource groups) through IBM's own ResourceManagerV2 over real HTTP. */

type SdkError = Error & { status?: number; result?: any };

function sdk(c: EmulatorClient): ResourceManagerV2 {
  const authenticator = new IamAuthenticator({ apikey: c.endpoints.apiKey, url: c.endpoints.iamEndpoint });
  return new ResourceManagerV2({ authenticator, serviceUrl: c.endpoints.resourceManagerEndpoint });
}

describe('emulator Resource Manager through ResourceManagerV2', () => {
  const emu = useEmulator();

  beforeEach(async () => {
    const topology = { ...JSON.parse(readFileSync(DEFAULT_TOPOLOGY, 'utf8')), resourceGroups: [{ name: 'Default', default: true }, { name: 'network' }] };
    expect((await emu().control('POST', '/topology', topology)).status).to.equal(200);
  });

  it('lists the groups collectors use, by account and name, with the fields of the SDK model', async () => {
    const c = emu();
    const state = (await c.control('GET', '/state')).body;
    const account = state.account;
    const rm = sdk(c);
    const all = (await rm.listResourceGroups({ accountId: account })).result.resources;
    expect(all.map((g) => [g.name, g.default])).to.deep.equal([
      ['Default', true],
      ['network', false],
    ]);
    const network = all[1];
    expect(network).to.deep.include({ id: state.topology.resourceGroups[1].id, account_id: account, state: 'ACTIVE', resource_linkages: [] });
    expect(network.crn).to.equal(`crn:v1:bluemix:public:resource-controller::a/${account}::resource-group:${network.id}`);
    expect(network.created_at).to.equal(state.topology.vpcs[0].createdAt);

    expect((await rm.listResourceGroups({ accountId: account, name: 'network' })).result.resources.map((g) => g.id)).to.deep.equal([network.id]);
    expect((await rm.listResourceGroups({ accountId: account, name: 'no-such-group' })).result.resources).to.deep.equal([]);
    expect((await rm.listResourceGroups({ accountId: account, _default: true })).result.resources.map((g) => g.name)).to.deep.equal(['Default']);
    expect((await rm.listResourceGroups({ accountId: 'f'.repeat(32) })).result.resources).to.deep.equal([]);
    expect((await rm.listResourceGroups()).result.resources).to.have.length(2);

    const got = await rm.getResourceGroup({ id: network.id! });
    expect(got.result).to.deep.equal(network);

    // The group Resource Manager calls default is the one a collector created without resource_group lands in.
    const collector = await c.createCollector({ target: { id: await c.idOf('vpcs', 'vpc-1') }, storage_bucket: { name: 'bucket-c' } });
    expect(collector.resource_group).to.deep.include({ id: all[0].id, name: 'Default' });
    const byGroup = await c.vpc('GET', '/v1/flow_log_collectors', { query: { 'resource_group.id': network.id! } });
    expect(byGroup.body.flow_log_collectors).to.deep.equal([]);
  });

  it('answers 404 resource_group_not_found for an unknown id and 401 without a token, in the platform body', async () => {
    const c = emu();
    const missing = await rejectionOf<SdkError>(sdk(c).getResourceGroup({ id: '0123456789abcdef0123456789abcdef' }));
    expect(missing.status).to.equal(404);
    expect(Object.keys(missing.result).sort()).to.deep.equal(['errors', 'status_code', 'trace']);
    expect(missing.result.errors[0].code).to.equal('resource_group_not_found');
    expect(missing.result.errors[0].message).to.contain('0123456789abcdef0123456789abcdef');

    const anonymous = await c.raw('GET', `${c.endpoints.resourceManagerEndpoint}/v2/resource_groups`);
    expect(anonymous.status).to.equal(401);
    expect(anonymous.body.errors[0].code).to.equal('not_authorized');
    const badFlag = await rejectionOf<SdkError>(sdk(c).listResourceGroups({ _default: 'yes' as unknown as boolean }));
    expect(badFlag.status).to.equal(400);
    expect(badFlag.result.errors[0].message).to.equal('default must be true or false; received "yes".');
  });
});
