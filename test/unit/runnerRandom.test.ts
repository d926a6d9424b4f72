import { expect } from 'chai';
import fc from 'fast-check';
import { cryptoRandom, randomTypeOf, type RandomSource } from '../../provider/src/runner/randomResources';

/** A source that replays fixed draws: the generators' arithmetic can be checked exactly. */
function replay(bytes: number[], draws: number[]): RandomSource {
  let i = 0;
  return { bytes: (n) => Buffer.from(bytes.slice(0, n)), below: (n) => draws[i++ % draws.length] % n, uuid: () => '00000000-0000-4000-8000-000000000000' };
}

const ID = 'random:index/randomId:RandomId';
const STRING = 'random:index/randomString:RandomString';
const INTEGER = 'random:index/randomInteger:RandomInteger';
const PET = 'random:index/randomPet:RandomPet';

describe('runner: @pulumi/random resources', () => {
  it('RandomId presents the same bytes in every encoding, with the prefix', () => {
    const { id, outputs } = randomTypeOf(ID).generate({ byteLength: 3, prefix: 'x-' }, replay([0x01, 0xab, 0xff], [0]));
    expect({ id, ...outputs }).to.deep.equal({ id: 'Aav_', b64Std: 'x-Aav/', b64Url: 'x-Aav_', dec: 'x-109567', hex: 'x-01abff' });
  });

  it('RandomString honours length, the min counts and disabled classes (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 40 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }), (length, minUpper, minNumeric) => {
        const { outputs } = randomTypeOf(STRING).generate({ length, minUpper, minNumeric, special: false }, cryptoRandom);
        const result = outputs.result as string;
        expect(result).to.have.length(length);
        expect(result).to.match(/^[A-Za-z0-9]+$/);
        expect((result.match(/[A-Z]/g) ?? []).length).to.be.at.least(minUpper);
        expect((result.match(/[0-9]/g) ?? []).length).to.be.at.least(minNumeric);
      }),
    );
  });

  it('RandomInteger stays within [min, max] (property), and RandomPet joins length words', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (min, span) => {
        const r = randomTypeOf(INTEGER).generate({ min, max: min + span }, cryptoRandom).outputs.result as number;
        expect(r).to.be.within(min, min + span);
      }),
    );
    expect(randomTypeOf(PET).generate({ length: 3, separator: '_' }, cryptoRandom).id.split('_')).to.have.length(3);
  });

  it('two creations draw different values: the randomness is real, not a constant', () => {
    const draw = () => randomTypeOf(ID).generate({ byteLength: 8 }, cryptoRandom).outputs.hex;
    expect(draw()).not.to.equal(draw());
  });

  it('check returns every problem with its property path', () => {
    expect(randomTypeOf(ID).check({ byteLength: 0, keepers: { a: 1 } as never })).to.deep.equal([
      { property: 'byteLength', reason: 'byteLength must be an integer ≥ 1; received 0' },
      { property: 'keepers.a', reason: 'keepers values must be strings; received 1' },
    ]);
    expect(randomTypeOf(INTEGER).check({ min: 5, max: 1 })).to.deep.equal([{ property: 'max', reason: 'max (1) must be ≥ min (5)' }]);
    expect(randomTypeOf(STRING).check({ length: 2, minUpper: 2, minNumeric: 1 })).to.deep.equal([{ property: 'length', reason: 'length 2 is less than the sum of the min* counts (3)' }]);
    expect(() => randomTypeOf('random:index/randomPassword:RandomPassword')).to.throw('the offline runner does not implement random:index/randomPassword:RandomPassword');
  });
});
