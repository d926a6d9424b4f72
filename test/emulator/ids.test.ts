import { expect } from 'chai';
import { randomSecret } from '../../emulator/src/models/ids';

describe('emulator: generated secrets', () => {
  it('never start with "-", so `--api-key KEY` cannot be read as another option (a base64url draw would 1 time in 64)', () => {
    const secrets = Array.from({ length: 4000 }, () => randomSecret(16));
    expect(secrets.filter((s) => s.startsWith('-'))).to.deep.equal([]);
    expect(secrets.every((s) => /^[A-Za-z0-9_-]{22}$/.test(s))).to.equal(true);
    expect(new Set(secrets).size).to.equal(secrets.length);
  });
});
