import { expect } from 'chai';
import fc from 'fast-check';
import { Struct } from 'google-protobuf/google/protobuf/struct_pb';
import {
  Encodable,
  OUTPUT_VALUE_SIG,
  PObject,
  PValue,
  RESOURCE_REFERENCE_SIG,
  SECRET_SIG,
  SIG_KEY,
  Secret,
  UNKNOWN,
  UNKNOWN_SENTINEL,
  UNKNOWN_SENTINELS,
  Unknown,
  WireObject,
  containsSecret,
  containsUnknown,
  decode,
  decodeObject,
  encode,
  encodeObject,
  fromStruct,
  isSecret,
  sameValue,
  secret,
  secretInputKeys,
  secretPaths,
  toStruct,
  unwrap,
  withSecretness,
} from '../../provider/src/rpc/codec';

/** What the engine would hand us after a real trip through protobuf's Struct. */
function viaStruct(obj: WireObject): WireObject {
  return Struct.deserializeBinary(Struct.fromJavaScript(obj).serializeBinary()).toJavaScript() as WireObject;
}

const SENTINELS = Object.values(UNKNOWN_SENTINELS);
const secretOf = (value: unknown) => ({ [SIG_KEY]: SECRET_SIG, value });

// Keys Struct can carry: "__proto__" cannot survive toJavaScript's plain assignment, so it is tested apart.
const key = fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__' && k !== SIG_KEY);
const leaf: fc.Arbitrary<PValue> = fc.oneof(fc.constant(null), fc.boolean(), fc.double({ noNaN: true }), fc.string({ maxLength: 10 }));

/** Model values with secrets and unknowns anywhere, in canonical form (never a secret directly inside a secret). */
const { pvalue } = fc.letrec<{ pvalue: PValue; pobject: PObject }>((tie) => ({
  pvalue: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.constant(UNKNOWN),
    fc.array(tie('pvalue'), { maxLength: 4 }),
    tie('pobject'),
    tie('pvalue').map(secret),
  ),
  pobject: fc.dictionary(key, tie('pvalue'), { maxKeys: 4, noNullPrototype: true }),
}));
const pobject = fc.dictionary(key, pvalue, { maxKeys: 5, noNullPrototype: true });

/** Whatever a peer might send: JSON with every special signature, malformed wrappers and sentinels mixed in. */
const { hostile } = fc.letrec<{ hostile: unknown }>((tie) => ({
  hostile: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(...SENTINELS),
    fc.array(tie('hostile'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(key, fc.constantFrom('__proto__', 'value', 'id', 'urn', 'secret')), tie('hostile'), { maxKeys: 3 }),
    fc.record(
      {
        [SIG_KEY]: fc.oneof(fc.constantFrom(SECRET_SIG, OUTPUT_VALUE_SIG, RESOURCE_REFERENCE_SIG, 'c44067f5952c0a294b673a41bacd8c17'), fc.string(), fc.integer()),
        value: tie('hostile'),
        id: fc.oneof(fc.constant(''), fc.constantFrom(...SENTINELS), fc.string(), tie('hostile')),
        urn: fc.oneof(fc.constant(''), fc.string()),
        secret: fc.oneof(fc.boolean(), tie('hostile')),
      },
      { requiredKeys: [SIG_KEY] },
    ),
  ),
}));

function containsUndefined(value: unknown): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return Array.from(value).some(containsUndefined);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(containsUndefined);
  return false;
}

function containsTag(value: unknown): boolean {
  if (value instanceof Secret || value instanceof Unknown) return true;
  if (Array.isArray(value)) return value.some(containsTag);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(containsTag);
  return false;
}

/** Sprinkles `undefined` into objects and lists, as provider code building outputs with optional fields does. */
const { withUndefined } = fc.letrec<{ withUndefined: Encodable }>((tie) => ({
  withUndefined: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.constant(undefined),
    fc.constant(UNKNOWN),
    fc.array(tie('withUndefined'), { maxLength: 4 }),
    fc.dictionary(key, tie('withUndefined'), { maxKeys: 4, noNullPrototype: true }),
    tie('withUndefined').map((v) => (v === undefined ? new Secret(null) : secret(v as PValue))),
  ),
}));

describe('codec: decode (table)', () => {
  const cases: Array<[string, unknown, PValue]> = [
    ['plain JSON stays as it is', { a: 1, b: [true, null, 'x'], c: { d: -2.5 } }, { a: 1, b: [true, null, 'x'], c: { d: -2.5 } }],
    ['a top-level secret', secretOf('hunter2'), new Secret('hunter2')],
    ['a secret deep in a list in an object', { a: [1, { b: secretOf({ c: 2 }) }] }, { a: [1, { b: new Secret({ c: 2 }) }] }],
    ['a secret of a secret is one secret', secretOf(secretOf('x')), new Secret('x')],
    ['a secret with no value is a secret null', { [SIG_KEY]: SECRET_SIG }, new Secret(null)],
    ['an unknown inside a secret', secretOf(UNKNOWN_SENTINEL), new Secret(UNKNOWN)],
    ['an output value with a value', { [SIG_KEY]: OUTPUT_VALUE_SIG, value: 'v', dependencies: ['urn:a'] }, 'v'],
    ['a secret output value', { [SIG_KEY]: OUTPUT_VALUE_SIG, value: ['v'], secret: true }, new Secret(['v'])],
    ['an output value without a value is unknown', { [SIG_KEY]: OUTPUT_VALUE_SIG, dependencies: [] }, UNKNOWN],
    ['a secret output value without a value is a secret unknown', { [SIG_KEY]: OUTPUT_VALUE_SIG, secret: true }, new Secret(UNKNOWN)],
    ['a resource reference is its id', { [SIG_KEY]: RESOURCE_REFERENCE_SIG, urn: 'urn:pulumi:s::p::t::n', id: 'r006-1', packageVersion: '' }, 'r006-1'],
    ['a resource reference with an empty id is unknown', { [SIG_KEY]: RESOURCE_REFERENCE_SIG, urn: 'urn:pulumi:s::p::t::n', id: '' }, UNKNOWN],
    ['a resource reference whose id is a sentinel is unknown', { [SIG_KEY]: RESOURCE_REFERENCE_SIG, urn: 'u', id: UNKNOWN_SENTINELS.string }, UNKNOWN],
    ['a component reference (no id) is its URN', { [SIG_KEY]: RESOURCE_REFERENCE_SIG, urn: 'urn:pulumi:s::p::c::n' }, 'urn:pulumi:s::p::c::n'],
    ['an asset stays a plain object', { [SIG_KEY]: 'c44067f5952c0a294b673a41bacd8c17', hash: 'h', text: 't' }, { [SIG_KEY]: 'c44067f5952c0a294b673a41bacd8c17', hash: 'h', text: 't' }],
    ['undefined keys are dropped, undefined list items are null', { a: undefined, b: [undefined, 1] }, { b: [null, 1] }],
    ['top-level undefined is null', undefined, null],
    ['a function is null', () => 1, null],
  ];
  for (const [name, wire, expected] of cases) {
    it(name, () => expect(decode(wire)).to.deep.equal(expected));
  }

  it('decodes each of the seven sentinels, bare and nested, to UNKNOWN', () => {
    expect(SENTINELS).to.have.length(7);
    for (const s of SENTINELS) {
      expect(decode(s)).to.equal(UNKNOWN);
      expect(decode({ a: [s] })).to.deep.equal({ a: [UNKNOWN] });
    }
  });

  it('keeps a "__proto__" key as data, without touching any prototype', () => {
    const wire = JSON.parse('{"__proto__": {"polluted": 1}, "a": 1}');
    const decoded = decodeObject(wire);
    expect(Object.getPrototypeOf(decoded)).to.equal(Object.prototype);
    expect(Object.keys(decoded)).to.deep.equal(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect(Object.keys(encodeObject(decoded))).to.deep.equal(['__proto__', 'a']);
  });

  it('decodeObject gives {} for anything that is not an object', () => {
    for (const wire of [null, 1, 'x', [1], secretOf({ a: 1 }), undefined]) expect(decodeObject(wire)).to.deep.equal({});
  });

  it('fromStruct reads a real Struct and an absent one', () => {
    expect(fromStruct(Struct.fromJavaScript({ k: secretOf('s'), u: UNKNOWN_SENTINELS.number }))).to.deep.equal({ k: new Secret('s'), u: UNKNOWN });
    expect(fromStruct(undefined)).to.deep.equal({});
  });
});

describe('codec: encode (table)', () => {
  it('re-wraps secrets with the sig key and writes unknowns as the string sentinel', () => {
    expect(encode({ a: new Secret({ b: [UNKNOWN, 1] }), c: UNKNOWN })).to.deep.equal({
      a: { [SIG_KEY]: SECRET_SIG, value: { b: [UNKNOWN_SENTINEL, 1] } },
      c: UNKNOWN_SENTINEL,
    });
  });

  it('drops undefined from objects and lists, and a top-level undefined becomes null', () => {
    expect(encode({ a: undefined, b: [1, undefined, 2], c: { d: undefined } })).to.deep.equal({ b: [1, 2], c: {} });
    expect(encode(undefined)).to.equal(null);
  });

  it('toStruct builds a Struct the engine can read back', () => {
    expect(toStruct({ s: new Secret('x'), n: undefined }).toJavaScript()).to.deep.equal({ s: secretOf('x') });
  });
});

describe('codec: helpers (table)', () => {
  const value: PObject = { name: new Secret('n'), tags: ['a', new Secret('b')], nested: { deep: [{ 'odd.key': new Secret(1) }] }, later: UNKNOWN, plain: 1 };

  it('unwrap reveals secrets and drops unknowns', () => {
    expect(unwrap(value)).to.deep.equal({ name: 'n', tags: ['a', 'b'], nested: { deep: [{ 'odd.key': 1 }] }, plain: 1 });
    expect(unwrap([UNKNOWN, new Secret(UNKNOWN), 2])).to.deep.equal([undefined, undefined, 2]);
    expect(unwrap(UNKNOWN)).to.equal(undefined);
  });

  it('secretPaths lists the outermost secrets as property paths', () => {
    expect(secretPaths(value)).to.deep.equal(['name', 'tags[1]', 'nested.deep[0]["odd.key"]']);
    expect(secretPaths(new Secret({ a: new Secret(1) }))).to.deep.equal(['']);
    expect(secretPaths({ a: 1 })).to.deep.equal([]);
  });

  it('containsUnknown, containsSecret and isSecret look where they should', () => {
    expect(containsUnknown(value)).to.equal(true);
    expect(containsUnknown({ a: new Secret([UNKNOWN]) })).to.equal(true);
    expect(containsUnknown({ a: new Secret([1]) })).to.equal(false);
    expect(containsSecret({ a: [{ b: new Secret(1) }] })).to.equal(true);
    expect(containsSecret({ a: [UNKNOWN] })).to.equal(false);
    expect(isSecret(new Secret(1))).to.equal(true);
    expect(isSecret({ [SIG_KEY]: SECRET_SIG, value: 1 })).to.equal(false);
  });

  it('secretInputKeys and withSecretness carry a secret input into every output derived from it', () => {
    const inputs: PObject = { target: new Secret('r006-vpc'), storageBucket: 'b', tags: ['x', new Secret('y')] };
    const secrets = secretInputKeys(inputs);
    expect([...secrets]).to.deep.equal(['target', 'tags']);
    const outputs = withSecretness(
      { target: 'r006-vpc', vpc: 'r006-vpc', targetType: 'vpc', storageBucket: 'b', tags: ['x', 'y'], crn: 'crn:1', name: undefined },
      secrets,
      { vpc: ['target'], targetType: ['target'] },
    );
    expect(outputs).to.deep.equal({
      target: new Secret('r006-vpc'),
      vpc: new Secret('r006-vpc'),
      targetType: new Secret('vpc'),
      storageBucket: 'b',
      tags: new Secret(['x', 'y']),
      crn: 'crn:1',
      name: undefined,
    });
    expect(encode(outputs)).to.not.have.property('name');
  });

  it('sameValue ignores secretness but never equates an unknown', () => {
    expect(sameValue(new Secret({ a: [1] }), { a: [1] })).to.equal(true);
    expect(sameValue({ a: 1 }, { a: 2 })).to.equal(false);
    expect(sameValue({ a: 1 }, { a: 1, b: 1 })).to.equal(false);
    expect(sameValue(UNKNOWN, UNKNOWN)).to.equal(false);
    expect(sameValue(undefined, undefined)).to.equal(true);
  });
});

describe('codec: properties (fast-check)', () => {
  it('decode(Struct(encode(v))) gives back v for any value with secrets and unknowns anywhere', () => {
    fc.assert(
      fc.property(pobject, (v) => {
        expect(decode(viaStruct(encodeObject(v)))).to.deep.equal(v);
      }),
      { numRuns: 500 },
    );
  });

  it('encode(decode(x)) round-trips any wire value through a real Struct', () => {
    fc.assert(
      fc.property(pobject, (v) => {
        const wire = viaStruct(encodeObject(v));
        expect(viaStruct(encodeObject(decodeObject(wire)))).to.deep.equal(wire);
      }),
      { numRuns: 500 },
    );
  });

  it('decode never throws on arbitrary JSON, and what it gives encodes into a Struct', () => {
    fc.assert(
      fc.property(hostile, (x) => {
        const decoded = decode(x);
        const wire = encode(decoded);
        expect(containsUndefined(wire)).to.equal(false);
        expect(() => Struct.fromJavaScript({ x: wire })).to.not.throw();
      }),
      { numRuns: 1000 },
    );
  });

  it('decoding is idempotent: decode(encode(decode(x))) equals decode(x), also through a Struct', () => {
    fc.assert(
      fc.property(hostile, (x) => {
        const once = decode(x);
        expect(decode(encode(once))).to.deep.equal(once);
        // Struct#toJavaScript assigns keys plainly, so a "__proto__" key cannot survive it (tested on its own above).
        const hasProtoKey = JSON.stringify(x ?? null).includes('"__proto__"');
        if (!hasProtoKey) expect(decode(viaStruct({ x: encode(once) }).x)).to.deep.equal(once);
      }),
      { numRuns: 1000 },
    );
  });

  it('every sentinel decodes to UNKNOWN wherever it sits', () => {
    const step = fc.oneof(
      key.map((k) => (inner: unknown) => ({ [k]: inner })),
      fc.nat(3).map((n) => (inner: unknown) => [...Array(n).fill(0), inner]),
      fc.constant((inner: unknown) => secretOf(inner)),
    );
    fc.assert(
      fc.property(fc.constantFrom(...SENTINELS), fc.array(step, { maxLength: 5 }), (sentinel, steps) => {
        // Walk back down the same steps in the decoded value; the bottom must be UNKNOWN.
        let wire: unknown = sentinel;
        for (const s of steps) wire = s(wire);
        let decoded: PValue = decode(viaStruct({ root: wire as never }).root);
        for (let i = steps.length - 1; i >= 0; i--) {
          const marker = steps[i]('m');
          if (Array.isArray(marker)) decoded = (decoded as PValue[])[marker.length - 1];
          // A secret directly inside a secret decodes to one secret, so a second secret step may have nothing to open.
          else if (SIG_KEY in (marker as object)) decoded = decoded instanceof Secret ? decoded.value : decoded;
          else decoded = (decoded as PObject)[Object.keys(marker as object)[0]];
        }
        expect(decoded).to.equal(UNKNOWN);
      }),
      { numRuns: 500 },
    );
  });

  it('encode never emits undefined, so Struct.fromJavaScript always accepts it', () => {
    fc.assert(
      fc.property(fc.dictionary(key, withUndefined, { maxKeys: 5, noNullPrototype: true }), (v) => {
        const wire = encodeObject(v);
        expect(containsUndefined(wire)).to.equal(false);
        expect(() => Struct.fromJavaScript(wire)).to.not.throw();
      }),
      { numRuns: 500 },
    );
  });

  it('unwrap leaves no tag behind, and loses nothing when there is no unknown', () => {
    fc.assert(
      fc.property(pvalue, (v) => {
        const plain = unwrap(v);
        expect(containsTag(plain)).to.equal(false);
        if (!containsUnknown(v)) expect(sameValue(v, plain as PValue)).to.equal(true);
        expect(containsSecret(v)).to.equal(secretPaths(v).length > 0);
      }),
      { numRuns: 500 },
    );
  });

  it('withSecretness makes exactly the outputs of secret inputs secret and leaves the rest untouched', () => {
    fc.assert(
      fc.property(pobject, fc.array(key, { maxLength: 4 }), (outputs, secretKeys) => {
        const set = new Set(secretKeys);
        const marked = withSecretness(outputs, set);
        expect(Object.keys(marked)).to.deep.equal(Object.keys(outputs));
        for (const [k, v] of Object.entries(outputs)) {
          if (set.has(k)) expect(marked[k]).to.deep.equal(secret(v));
          else expect(marked[k]).to.equal(v);
        }
      }),
      { numRuns: 300 },
    );
  });
});
