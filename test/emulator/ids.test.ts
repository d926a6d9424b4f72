import { expect } from 'chai';
import { randomSecret, randomWordsName, seededWordsName } from '../../emulator/src/models/ids';

describe('emulator: generated secrets', () => {
  it('never start with "-", so `--api-key KEY` cannot be read as another option (a base64url draw would 1 time in 64)', () => {
    const secrets = Array.from({ length: 4000 }, () => randomSecret(16));
    expect(secrets.filter((s) => s.startsWith('-'))).to.deep.equal([]);
    expect(secrets.every((s) => /^[A-Za-z0-9_-]{22}$/.test(s))).to.equal(true);
    expect(new Set(secrets).size).to.equal(secrets.length);
  });
});

describe('emulator: generated names (IBM: a hyphenated list of random words)', () => {
  const NAME_RULE = /^([a-z]|[a-z][-a-z0-9]*[a-z0-9])$/;

  it('four distinct words, valid per the name rule, over 20,000 draws (the old generator repeated a word in 1 draw of 4)', () => {
    const names = Array.from({ length: 20_000 }, () => randomWordsName());
    const repeating = names.filter((n) => new Set(n.split('-')).size !== 4);
    expect(repeating).to.deep.equal([]);
    expect(names.every((n) => NAME_RULE.test(n) && n.length <= 63 && n.split('-').length === 4)).to.equal(true);
    // Spread: 20,000 draws from ≈15 million names, so only a handful repeat.
    expect(new Set(names).size).to.be.above(19_900);
  });

  it('a seeded name is the same for the same seed, distinct words too', () => {
    expect(seededWordsName('network-acl:r006-x')).to.equal(seededWordsName('network-acl:r006-x'));
    expect(seededWordsName('network-acl:r006-x')).to.not.equal(seededWordsName('network-acl:r006-y'));
    for (let k = 0; k < 2000; k++) expect(new Set(seededWordsName(`seed-${k}`).split('-')).size).to.equal(4);
  });
});
