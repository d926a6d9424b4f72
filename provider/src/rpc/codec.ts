/**
 * The value codec between Pulumi's wire form (the plain JS objects `google.protobuf.Struct#toJavaScript()` returns and
 * `Struct.fromJavaScript()` takes) and the provider's own small value model, `PValue`.
 *
 * Why our own codec rather than `pulumi.runtime.deserializeProperties`: that helper turns unknowns into `undefined`
 * outside a dry run, hoists nested secrets to the whole containing value and turns resource references into Resource
 * objects. The provider needs to see exactly which values are unknown and which are secret, wherever they sit.
 *
 * Wire facts (reference/pulumi-provider-protocol.md §1.6): special objects carry a signature under the "sig key";
 * unknowns are strings, and the Go engine uses seven typed sentinels; `null` is allowed, `undefined` is not.
 */
import { Struct } from 'google-protobuf/google/protobuf/struct_pb';

export const SIG_KEY = '4dabf18193072939515e22adb298388d';
export const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';
export const RESOURCE_REFERENCE_SIG = '5cf8f73096256a8f31e491e813e4eb8e';
export const OUTPUT_VALUE_SIG = 'd0e6a833031e9bbcd3f4e8bde6ca49a4';

/** The sentinel the Node SDK sends and the one `encode` emits for every unknown. */
export const UNKNOWN_SENTINEL = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

/** All seven unknown sentinels, by the type the Go engine meant. Any of them means "not known yet". */
export const UNKNOWN_SENTINELS: Readonly<Record<string, string>> = Object.freeze({
  bool: '1c4a061d-8072-4f0a-a4cb-0ff528b18fe7',
  number: '3eeb2bf0-c639-47a8-9e75-3b44932eb421',
  string: UNKNOWN_SENTINEL,
  array: '6a19a0b0-7e62-4c92-b797-7f8e31da9cc2',
  asset: '030794c1-ac77-496b-92df-f27374a8bd58',
  archive: 'e48ece36-62e2-4504-bad9-02848725956a',
  object: 'dd056dcd-154b-4c76-9bd3-c8f88648b5ff',
});

const SENTINEL_SET: ReadonlySet<string> = new Set(Object.values(UNKNOWN_SENTINELS));

/** A value the engine marked secret. Never nested directly in another Secret (see `secret`). */
export class Secret {
  constructor(readonly value: PValue) {}
}

/** A value not known yet (preview, or computed from another resource's output). One instance: compare with `===`. */
export class Unknown {
  static readonly instance = new Unknown();
  private constructor() {}
}

export const UNKNOWN: Unknown = Unknown.instance;

/**
 * The provider's value model: JSON plus two tags. Plain objects are always plain (never Secret/Unknown instances), so
 * `instanceof` tells the three apart.
 */
export type PValue = null | boolean | number | string | PValue[] | PObject | Secret | Unknown;
export interface PObject {
  [key: string]: PValue;
}

/** What `encode` accepts: a PValue in which objects and arrays may also hold `undefined` (for optional fields). */
export type Encodable = PValue | undefined | EncodableObject | Encodable[];
export interface EncodableObject {
  [key: string]: Encodable;
}

/** The JSON `Struct.fromJavaScript` accepts: no `undefined` anywhere. */
export type WireValue = null | boolean | number | string | WireValue[] | WireObject;
export interface WireObject {
  [key: string]: WireValue;
}

/** `unwrap`'s result: plain JSON with secrets revealed; unknowns become `undefined` (absent keys, holes in lists). */
export type Plain = null | boolean | number | string | Array<Plain | undefined> | PlainObject;
export interface PlainObject {
  [key: string]: Plain;
}

// ---------------------------------------------------------------------------------------------------------------
// Constructors and guards

/** Wraps a value as secret; a secret of a secret is just a secret, so the model has one canonical form. */
export function secret(value: PValue): Secret {
  return value instanceof Secret ? value : new Secret(value);
}

export function isSecret(value: unknown): value is Secret {
  return value instanceof Secret;
}

export function isUnknown(value: unknown): value is Unknown {
  return value instanceof Unknown;
}

/** A plain object of the model (not a list, not null, not a tag). */
export function isPObject(value: unknown): value is PObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Secret) && !(value instanceof Unknown);
}

function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

// ---------------------------------------------------------------------------------------------------------------
// decode: wire → model. Total: it never throws, whatever it is given.

/**
 * Turns a wire value into a PValue. Unknown sentinels (all seven) become `UNKNOWN`, secret wrappers become `Secret`
 * at any depth, output values and resource references collapse to what the provider needs (their value, their id).
 * Anything that is not JSON (undefined, functions) becomes null, so callers never need a try/catch.
 */
export function decode(wire: unknown): PValue {
  if (wire instanceof Secret || wire instanceof Unknown) return wire;
  switch (typeof wire) {
    case 'boolean':
    case 'number':
      return wire;
    case 'string':
      return SENTINEL_SET.has(wire) ? UNKNOWN : wire;
    case 'bigint':
      return Number(wire);
    case 'object':
      if (wire === null) return null;
      // Array.from visits holes of sparse arrays (as undefined → null), where map would keep them as holes.
      if (Array.isArray(wire)) return Array.from(wire, decode);
      return decodeRecord(wire as Record<string, unknown>);
    default:
      return null;
  }
}

/**
 * Decodes the top level of a Struct, which is a property map. Anything that does not decode to a plain object
 * (malformed input: a list, a scalar, a wrapper at the top) gives `{}`, so handlers can index it without checks.
 */
export function decodeObject(wire: unknown): PObject {
  const value = decode(wire);
  return isPObject(value) ? value : {};
}

function decodeRecord(obj: Record<string, unknown>): PValue {
  const sig = hasOwn(obj, SIG_KEY) ? obj[SIG_KEY] : undefined;
  if (sig === SECRET_SIG) return decodeSecret(obj);
  if (sig === OUTPUT_VALUE_SIG) return decodeOutputValue(obj);
  if (sig === RESOURCE_REFERENCE_SIG) return decodeResourceReference(obj);
  // Other signatures (assets, archives, byte strings) are not inputs of this provider: kept as plain objects, they
  // round-trip unchanged and validation can name what it received.
  return decodeEntries(obj);
}

function decodeEntries(obj: Record<string, unknown>): PObject {
  // Object.fromEntries defines own properties, so a "__proto__" key stays data instead of replacing the prototype.
  return Object.fromEntries(
    Object.entries(obj)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, decode(v)]),
  );
}

/** A secret whose `value` is missing (malformed; the engine never sends one) is a secret null, not a crash. */
function decodeSecret(obj: Record<string, unknown>): Secret {
  return secret(hasOwn(obj, 'value') ? decode(obj.value) : null);
}

/** Output values (Construct/Call): absent `value` means unknown; `secret: true` keeps it secret. */
function decodeOutputValue(obj: Record<string, unknown>): PValue {
  const inner = hasOwn(obj, 'value') && obj.value !== undefined ? decode(obj.value) : UNKNOWN;
  return obj.secret === true ? secret(inner) : inner;
}

/**
 * A resource reference stands for its id, which is what this provider's inputs hold; an empty id means "not known
 * yet". A reference without an id key is to a component resource: its URN is the only name it has, and passing it on
 * lets validation say what was received.
 */
function decodeResourceReference(obj: Record<string, unknown>): PValue {
  if (hasOwn(obj, 'id')) return typeof obj.id === 'string' && obj.id !== '' ? decode(obj.id) : UNKNOWN;
  return typeof obj.urn === 'string' && obj.urn !== '' ? obj.urn : UNKNOWN;
}

// ---------------------------------------------------------------------------------------------------------------
// encode: model → wire

/**
 * Turns a PValue into what `Struct.fromJavaScript` takes: secrets re-wrapped with the sig key, every unknown as the
 * string sentinel, and `undefined` dropped from objects and lists (`Struct.fromJavaScript` throws on it). A top-level
 * `undefined` becomes null.
 */
export function encode(value: Encodable): WireValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Unknown) return UNKNOWN_SENTINEL;
  if (value instanceof Secret) return { [SIG_KEY]: SECRET_SIG, value: encode(value.value) };
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(encode);
  if (typeof value === 'object') return encodeObject(value as EncodableObject);
  return value;
}

/** Encodes an object for `Struct.fromJavaScript`, typed as the object it is. */
export function encodeObject(obj: EncodableObject): WireObject {
  return Object.fromEntries(
    Object.entries(obj)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, encode(v)]),
  );
}

/** Struct → model, for request fields such as `news`, `olds`, `args` (an absent Struct is an empty object). */
export function fromStruct(struct: Struct | undefined): PObject {
  return struct === undefined ? {} : decodeObject(struct.toJavaScript());
}

/** Model → Struct, for response fields such as `inputs`, `properties`, `outputs`. */
export function toStruct(obj: EncodableObject): Struct {
  return Struct.fromJavaScript(encodeObject(obj));
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers for the rest of the provider

/** Plain JSON with secrets revealed and unknowns removed (absent keys; `undefined` in lists, so indexes hold). */
export function unwrap(value: PValue | undefined): Plain | undefined {
  if (value === undefined || value instanceof Unknown) return undefined;
  if (value instanceof Secret) return unwrap(value.value);
  if (Array.isArray(value)) return value.map(unwrap);
  if (isPObject(value)) return unwrapObject(value);
  return value;
}

export function unwrapObject(obj: PObject): PlainObject {
  const out: PlainObject = {};
  for (const [k, v] of Object.entries(obj)) {
    const plain = unwrap(v);
    if (plain !== undefined) Object.defineProperty(out, k, { value: plain, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** True when the value is unknown or holds an unknown anywhere, secrets included. */
export function containsUnknown(value: PValue | undefined): boolean {
  if (value instanceof Unknown) return true;
  if (value instanceof Secret) return containsUnknown(value.value);
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (isPObject(value)) return Object.values(value).some(containsUnknown);
  return false;
}

/** True when the value is a secret or holds one anywhere. */
export function containsSecret(value: PValue | undefined): boolean {
  if (value instanceof Secret) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (isPObject(value)) return Object.values(value).some(containsSecret);
  return false;
}

/**
 * Where the outermost secrets sit, as Pulumi property paths (`tags[0]`, `a.b`, `["odd.key"]`); the value itself is
 * the empty path "". A secret inside a secret is already covered by the outer one, so it is not listed.
 */
export function secretPaths(value: PValue | undefined, path = ''): string[] {
  if (value instanceof Secret) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => secretPaths(v, `${path}[${i}]`));
  if (isPObject(value)) return Object.entries(value).flatMap(([k, v]) => secretPaths(v, appendKey(path, k)));
  return [];
}

function appendKey(path: string, key: string): string {
  if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

/**
 * A failure's property path to `key` under `path` ("" for the top level): the key as is when it reads as a path of
 * its own, else quoted (`["a.b"]`, `[""]`), so that a key holding ".", "[", "]" or '"', or an empty key, is still
 * named exactly and never read as a different path.
 */
export function keyPath(key: string, path = ''): string {
  if (key !== '' && !/[.[\]"]/.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

/** The top-level input names whose value is or holds a secret: the unit in which secretness carries over to outputs. */
export function secretInputKeys(inputs: PObject): Set<string> {
  return new Set(Object.keys(inputs).filter((k) => containsSecret(inputs[k])));
}

/**
 * Marks outputs secret where an input they come from was secret, since with `acceptSecrets` the engine leaves this to
 * the provider (protocol §1.2). An output is derived from the input of the same name, and from the inputs listed for
 * it in `derivedFrom` (e.g. `{ vpc: ['target'] }`). Secretness is hoisted to the whole output value, as the Node SDK
 * does: a secret element of `tags` makes the whole `tags` output secret.
 */
export function withSecretness(outputs: EncodableObject, secretInputs: ReadonlySet<string>, derivedFrom: Readonly<Record<string, readonly string[]>> = {}): EncodableObject {
  const out: EncodableObject = {};
  for (const [k, v] of Object.entries(outputs)) {
    const fromSecret = secretInputs.has(k) || (hasOwn(derivedFrom, k) && derivedFrom[k].some((input) => secretInputs.has(input)));
    const value = fromSecret && v !== undefined ? secret(v as PValue) : v;
    Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * Whether two values are the same once secrets are revealed: what a diff compares (secretness alone is not a change
 * to the resource). A value that is or holds an unknown is never the same as anything: it may turn out different.
 */
export function sameValue(a: PValue | undefined, b: PValue | undefined): boolean {
  if (containsUnknown(a) || containsUnknown(b)) return false;
  return deepEqualPlain(unwrap(a), unwrap(b));
}

function deepEqualPlain(a: Plain | undefined, b: Plain | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqualPlain(v, b[i]));
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => hasOwn(b, k) && deepEqualPlain(a[k], b[k]));
}
