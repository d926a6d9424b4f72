import { expect } from 'chai';
import { provider } from '../../provider/src/rpc/stubs';
import { useFixture } from './support/fixture';
import { requests } from './support/plugin';

/**
 * Pulumi's autonaming configuration (`pulumi:autonaming` in the stack config). The engine computes a proposed name and
 * a mode per resource (pulumi/pulumi pkg/resource/autonaming/strategy.go) and sends them in CheckRequest.autonaming
 * only to a provider that answered supportsAutonamingConfiguration (sdk/go/common/resource/plugin/provider_plugin.go
 * Check); otherwise it warns that the setting is ignored.
 */
describe('rpc: autonaming configuration', () => {
  const fx = useFixture();
  const program = (f: ReturnType<typeof fx>, extra: Record<string, unknown> = {}) => ({ target: f.ids.subnet1, storageBucket: 'bucket-c', ...extra });

  it('Handshake and Configure both answer supportsAutonamingConfiguration', async () => {
    const f = fx();
    const hs = await f.plugin.call('handshake', new provider.ProviderHandshakeRequest());
    expect(hs.getSupportsAutonamingConfiguration()).to.equal(true);
    const res = await f.plugin.call('configure', requests.configure({ ...f.config }));
    expect(res.getSupportsAutonamingConfiguration()).to.equal(true);
  });

  it('PROPOSE: the collector takes the proposed name (made valid under IBM\'s rule when it is not), and is created with it', async () => {
    const f = fx();
    const proposed = await f.check('web', program(f), {}, undefined, { proposedName: 'dev-web-4f2a', mode: 'propose' });
    expect(proposed).to.deep.equal({ inputs: { ...program(f), active: true, name: 'dev-web-4f2a' }, failures: [] });
    const fitted = await f.check('web', program(f), {}, undefined, { proposedName: 'Dev_Web.4F2A', mode: 'propose' });
    expect(fitted.inputs.name).to.equal('dev-web-4f2a');
    // An explicit name still wins over a proposal.
    expect((await f.check('web', program(f, { name: 'mine' }), {}, undefined, { proposedName: 'dev-web-4f2a', mode: 'propose' })).inputs.name).to.equal('mine');
    const created = await f.create('web', proposed.inputs);
    expect((await f.collectorInState(created.id)).name).to.equal('dev-web-4f2a');
  });

  it('PROPOSE and ENFORCE keep the name an existing collector has (an update never renames by accident)', async () => {
    const f = fx();
    const olds = { ...program(f), active: true, name: 'web-1234567' };
    for (const mode of ['propose', 'enforce'] as const) {
      expect((await f.check('web', program(f), olds, undefined, { proposedName: 'dev-web-9', mode })).inputs.name, mode).to.equal('web-1234567');
    }
  });

  it('ENFORCE: exactly the proposed name; a different explicit name is refused, naming both', async () => {
    const f = fx();
    expect((await f.check('web', program(f), {}, undefined, { proposedName: 'web', mode: 'enforce' })).inputs.name).to.equal('web');
    expect((await f.check('web', program(f, { name: 'web' }), {}, undefined, { proposedName: 'web', mode: 'enforce' })).failures).to.deep.equal([]);
    expect((await f.check('web', program(f, { name: 'other' }), {}, undefined, { proposedName: 'web', mode: 'enforce' })).failures).to.deep.equal([
      { property: 'name', reason: '"other" is not the name the autonaming configuration enforces ("web"); remove name to take that name, or change pulumi:autonaming' },
    ]);
    // An enforced name IBM refuses cannot be changed into another one.
    expect((await f.check('Web', program(f), {}, undefined, { proposedName: 'Web', mode: 'enforce' })).failures).to.deep.equal([
      {
        property: 'name',
        reason:
          'the autonaming configuration proposes "Web", which is not a valid name (1-63 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen); change pulumi:autonaming, or give name in the program',
      },
    ]);
  });

  it('DISABLE: no name is made up; the program must give one', async () => {
    const f = fx();
    expect((await f.check('web', program(f), {}, undefined, { mode: 'disable' })).failures).to.deep.equal([
      { property: 'name', reason: 'is required: autonaming is disabled for this resource (pulumi:autonaming), so give name in the program' },
    ]);
    expect((await f.check('web', program(f, { name: 'web' }), {}, undefined, { mode: 'disable' })).failures).to.deep.equal([]);
  });

  it('without autonaming configuration, the provider names the collector after the resource, with a suffix from the random seed', async () => {
    const f = fx();
    expect((await f.check('web', program(f))).inputs.name).to.match(/^web-[0-9a-f]{7}$/);
  });
});
