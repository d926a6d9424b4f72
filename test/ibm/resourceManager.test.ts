import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { DEFAULT_TOPOLOGY } from '../../emulator/src';
import { IbmLookupError, IbmTransportError, ResourceManagerClient } from '../../provider/src/ibm';
import { rejectionOf, requestCounts, useEmulator, type EmulatorClient } from '../support/emulator';

/** ResourceManagerClient (IBM's ResourceManagerV2) against the emulator's Resource Manager: resource groups by id or name. */

function client(c: EmulatorClient): ResourceManagerClient {
  return new ResourceManagerClient({ apiKey: c.endpoints.apiKey, iamEndpoint: c.endpoints.iamEndpoint, resourceManagerEndpoint: c.endpoints.resourceManagerEndpoint });
}

describe('ResourceManagerClient', () => {
  const emu = useEmulator();
  let groups: Array<{ id: string; name: string; isDefault: boolean }>;
  beforeEach(async () => {
    const topology = { ...JSON.parse(readFileSync(DEFAULT_TOPOLOGY, 'utf8')), resourceGroups: [{ name: 'Default', default: true }, { name: 'network' }, { name: 'a'.repeat(32) }] };
    groups = (await emu().control('POST', '/topology', topology)).body.topology.resourceGroups;
  });

  it('resolves a group by name or by id to the id collectors carry', async () => {
    const c = emu();
    const rm = client(c);
    const network = groups[1];
    const byName = await rm.resolveResourceGroup('network');
    expect(byName).to.deep.include({ id: network.id, name: 'network', isDefault: false, state: 'ACTIVE' });
    expect(byName.crn).to.match(/^crn:v1:bluemix:public:resource-controller::a\/[0-9a-f]{32}::resource-group:[0-9a-f]{32}$/);
    await c.control('DELETE', '/requests');
    expect(await rm.resolveResourceGroup(network.id)).to.deep.equal(byName);
    // An id is looked up as one: a single request.
    expect(await requestCounts(c)).to.deep.equal({ 'GET /v2/resource_groups/{id}': 1 });
    // A name shaped like an id falls back to the name look-up.
    expect((await rm.resolveResourceGroup('a'.repeat(32))).id).to.equal(groups[2].id);

    const collector = await c.createCollector({ target: { id: await c.idOf('vpcs', 'vpc-1') }, storage_bucket: { name: 'bucket-c' }, resource_group: { id: byName.id } });
    expect(collector.resource_group.name).to.equal('network');
    expect((await rm.listResourceGroups()).map((g) => [g.name, g.isDefault])).to.deep.equal([
      ['Default', true],
      ['network', false],
      ['a'.repeat(32), false],
    ]);
    expect(await rm.getResourceGroup('0'.repeat(32))).to.equal(undefined);
  });

  it('a name no group carries is an IbmLookupError that lists the names the account has', async () => {
    const c = emu();
    const account = (await c.control('GET', '/state')).body.account;
    const error = await rejectionOf<IbmLookupError>(client(c).resolveResourceGroup('netwrok'));
    expect(IbmLookupError.isInstance(error)).to.equal(true);
    expect(error.code).to.equal('ERR_IBM_LOOKUP');
    expect(error.known).to.deep.equal(['Default', 'network', 'a'.repeat(32)]);
    expect(error.message).to.equal(`No resource group "netwrok" in account ${account} (by id or name); the account has "Default", "network", "${'a'.repeat(32)}".`);
  });

  it('a Resource Manager that does not answer is an IbmTransportError after the retries', async () => {
    const c = emu();
    const rm = new ResourceManagerClient({ apiKey: c.endpoints.apiKey, iamEndpoint: c.endpoints.iamEndpoint, resourceManagerEndpoint: 'http://127.0.0.1:9' });
    const error = await rejectionOf<IbmTransportError>(rm.getResourceGroup(groups[0].id));
    expect(IbmTransportError.isInstance(error), String(error)).to.equal(true);
    expect(error.transportCode).to.equal('ECONNREFUSED');
    expect(error.message).to.contain(`Could not get resource group ${groups[0].id}: no answer from IBM Cloud (ECONNREFUSED`);
  });
});
