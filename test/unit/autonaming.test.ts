import { expect } from 'chai';
import { chooseName, type NameInput } from '../../provider/src/resources/autonaming';
import { COLLECTOR_NAMES, looksLikeOwnName } from '../../provider/src/resources/flowLogCollector/naming';

/** Choosing a collector's name: the program's, the recorded one, Pulumi's autonaming configuration, or our own. */
describe('autonaming: chooseName (table)', () => {
  const seed = new Uint8Array(32);
  const base: NameInput = { given: undefined, givenUnknown: false, old: undefined, resourceName: 'Web Server', randomSeed: seed };
  const own = COLLECTOR_NAMES.generate('Web Server', seed);

  const cases: Array<[string, Partial<NameInput>, { name?: string; failures: string[] }]> = [
    ['no configuration: our own name', {}, { name: own, failures: [] }],
    ['an explicit name is kept as given', { given: 'mine' }, { failures: [] }],
    ['an unknown name stays unknown', { givenUnknown: true, autonaming: { mode: 'disable', proposedName: '' } }, { failures: [] }],
    ['the recorded name is kept', { old: 'web-1234567', autonaming: { mode: 'propose', proposedName: 'p' } }, { name: 'web-1234567', failures: [] }],
    ['PROPOSE: the proposed name', { autonaming: { mode: 'propose', proposedName: 'web-dev' } }, { name: 'web-dev', failures: [] }],
    ['PROPOSE: the proposed name made valid', { autonaming: { mode: 'propose', proposedName: '1-Web_Dev-' } }, { name: 'web-dev', failures: [] }],
    ['PROPOSE: a proposal nothing can make valid', { autonaming: { mode: 'propose', proposedName: '123' } }, { failures: ['name'] }],
    ['ENFORCE: the proposed name', { autonaming: { mode: 'enforce', proposedName: 'web-dev' } }, { name: 'web-dev', failures: [] }],
    ['ENFORCE: the same explicit name', { given: 'web-dev', autonaming: { mode: 'enforce', proposedName: 'web-dev' } }, { failures: [] }],
    ['ENFORCE: another explicit name', { given: 'mine', autonaming: { mode: 'enforce', proposedName: 'web-dev' } }, { failures: ['name'] }],
    ['ENFORCE: an invalid proposal is not changed', { autonaming: { mode: 'enforce', proposedName: 'Web-Dev' } }, { failures: ['name'] }],
    ['DISABLE: no name', { autonaming: { mode: 'disable', proposedName: '' } }, { failures: ['name'] }],
    ['DISABLE: an explicit name', { given: 'mine', autonaming: { mode: 'disable', proposedName: '' } }, { failures: [] }],
  ];
  for (const [what, input, expected] of cases) {
    it(what, () => {
      const chosen = chooseName({ ...base, ...input }, COLLECTOR_NAMES);
      expect({ name: chosen.name, failures: chosen.failures.map((f) => f.property) }).to.deep.equal({ name: expected.name, failures: expected.failures });
    });
  }

  it('our own names are valid, deterministic per seed, and recognized as the resource\'s own', () => {
    expect(own).to.match(/^web-server-[0-9a-f]{7}$/);
    expect(COLLECTOR_NAMES.generate('Web Server', seed)).to.equal(own);
    expect(COLLECTOR_NAMES.generate('Web Server', new Uint8Array(32).fill(1))).to.not.equal(own);
    expect(looksLikeOwnName(own, 'Web Server', undefined)).to.equal(true);
    expect(looksLikeOwnName('by-hand', 'Web Server', undefined)).to.equal(false);
    expect(looksLikeOwnName('by-hand', 'Web Server', 'by-hand')).to.equal(true);
    expect(looksLikeOwnName('web-server-extra-1234567', 'Web Server', undefined)).to.equal(false);
  });
});
