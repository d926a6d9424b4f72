/**
 * The value codec between Pulumi's wire form (the plain JS objects `google.protobuf.Struct#toJavaScript()` returns and
 * `Struct.fromJavaScript()` takes) and the provider's own small value model, `PValue`.
 *
 * Why our own codec rather than `pulumi.runtime.deserializeProperties`: that helper turns unknowns into `undefined`
 * outside a dry run, hoists nested secrets to the whole containing value and turns resource references into Resource
 * objects. The provider needs to see exactly which values are unknown and which are secret, wherever they sit.
 *
 * Wire facts (pulumi/pulumi sdk/go/common/resource/sig/sig.go): special objects carry a signature under the "sig key";
 * unknowns are strings, and the Go engine uses seven typed sentinels; `null` is allowed, `undefined` is not.
 */
import { Struct } from 'google-protobuf/google/protobuf/struct_pb';
import { type Encodable, type EncodableObject, isPObject, type PObject, type PValue, secret, Secret, UNKNOWN, Unknown } from '../shared/values';

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

/** The value model the codec maps to (shared/values.ts), re-exported for the codec's callers. */
export * from '../shared/values';

/** The JSON `Struct.fromJavaScript` accepts: no `undefined` anywhere. */
export type WireValue = null | boolean | number | string | WireValue[] | WireObject;
export interface WireObject {
  [key: string]: WireValue;
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
