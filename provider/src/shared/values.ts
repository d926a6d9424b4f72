/**
 * The provider's value model: JSON plus two tags, `Secret` and `Unknown`. The wire codec (rpc/codec.ts) turns
 * Pulumi's Struct form into it and back; configuration (config/) and the resource layer work on it. It lives in this
 * leaf so that every layer can share it without importing rpc/.
 */
import { indexPath, keyPath } from './propertyPath';

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

/** Plain objects are always plain (never Secret/Unknown instances), so `instanceof` tells the three apart. */
export type PValue = null | boolean | number | string | PValue[] | PObject | Secret | Unknown;
export interface PObject {
  [key: string]: PValue;
}

/** `unwrap`'s result: plain JSON with secrets revealed; unknowns become `undefined` (absent keys, holes in lists). */
export type Plain = null | boolean | number | string | Array<Plain | undefined> | PlainObject;
export interface PlainObject {
  [key: string]: Plain;
}

function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** Sets a key as an own data property, so that a "__proto__" key stays data. */
export function defineKey<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

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
    if (plain !== undefined) defineKey(out, k, plain);
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
  if (Array.isArray(value)) return value.flatMap((v, i) => secretPaths(v, indexPath(i, path)));
  if (isPObject(value)) return Object.entries(value).flatMap(([k, v]) => secretPaths(v, keyPath(k, path)));
  return [];
}

/** The top-level input names whose value is or holds a secret: the unit in which secretness carries over to outputs. */
export function secretInputKeys(inputs: PObject): Set<string> {
  return new Set(Object.keys(inputs).filter((k) => containsSecret(inputs[k])));
}

/** A PValue in which objects and arrays may also hold `undefined` (optional fields not set). */
export type Encodable = PValue | undefined | EncodableObject | Encodable[];
export interface EncodableObject {
  [key: string]: Encodable;
}

/**
 * Marks outputs secret where an input they come from was secret, since with `acceptSecrets` the engine leaves this to
 * the provider (pulumi/pulumi proto/pulumi/provider.proto, acceptSecrets). An output is derived from the input of the
 * same name, and from the inputs listed for it in `derivedFrom` (e.g. `{ vpc: ['target'] }`). Secretness is hoisted to
 * the whole output value, as the Node SDK does: a secret element of `tags` makes the whole `tags` output secret.
 */
export function withSecretness(outputs: EncodableObject, secretInputs: ReadonlySet<string>, derivedFrom: Readonly<Record<string, readonly string[]>> = {}): EncodableObject {
  const out: EncodableObject = {};
  for (const [k, v] of Object.entries(outputs)) {
    const fromSecret = secretInputs.has(k) || (hasOwn(derivedFrom, k) && derivedFrom[k].some((input) => secretInputs.has(input)));
    defineKey(out, k, fromSecret && v !== undefined ? secret(v as PValue) : v);
  }
  return out;
}

/** Every secret wrapper removed, for an engine that does not accept secrets (ConfigureRequest.acceptSecrets false). */
export function withoutSecrets(value: Encodable): Encodable {
  if (value instanceof Secret) return withoutSecrets(value.value);
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value instanceof Unknown || value === null || typeof value !== 'object') return value;
  const out: EncodableObject = {};
  for (const [k, v] of Object.entries(value)) defineKey(out, k, withoutSecrets(v));
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

/** Deep equality of plain JSON (no tags). */
export function deepEqualPlain(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqualPlain(v, b[i]));
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => hasOwn(b, k) && deepEqualPlain((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
