import { SECRET_DERIVATIONS } from '../resources/flowLogCollector';
import { type Outputs, type PropertyBag, UNKNOWN } from '../resources/properties';
import { containsSecret, containsUnknown, decodeObject, type Encodable, encodeObject, secret, UNKNOWN as WIRE_UNKNOWN, unwrap, type WireObject } from './codec';

/**
 * Between the codec's value model and the resource layer's property bags: top-level keys that hold an unknown or a
 * secret anywhere are recorded as such, and values reach the resource plain.
 */
export function bagOf(wire: object): PropertyBag {
  const values: Record<string, unknown> = {};
  const unknown = new Set<string>();
  const secretKeys = new Set<string>();
  for (const [key, value] of Object.entries(decodeObject(wire))) {
    if (containsSecret(value)) secretKeys.add(key);
    if (containsUnknown(value)) unknown.add(key);
    else values[key] = unwrap(value);
  }
  return { values, unknown, secret: secretKeys };
}

function toEncodable(value: unknown): Encodable {
  if (value === UNKNOWN) return WIRE_UNKNOWN;
  if (Array.isArray(value)) return value.map(toEncodable);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toEncodable(v)]));
  }
  return value as Encodable;
}

/** Outputs for the wire: the resource's UNKNOWN becomes the unknown sentinel, the given keys are wrapped secret. */
export function encodeOutputs(outputs: Outputs, secretKeys: ReadonlySet<string>): WireObject {
  const encoded: Record<string, Encodable> = {};
  for (const [key, value] of Object.entries(outputs)) {
    if (value === undefined) continue;
    const v = toEncodable(value);
    encoded[key] = secretKeys.has(key) && v !== undefined ? secret(v as never) : v;
  }
  return encodeObject(encoded);
}

/** Checked inputs back to the wire, keeping unknown keys unknown and secret keys secret. */
export function encodeBag(bag: PropertyBag): WireObject {
  const outputs: Outputs = { ...bag.values };
  for (const key of bag.unknown) outputs[key] = UNKNOWN;
  return encodeOutputs(outputs, bag.secret);
}

/** The output keys that must be secret because an input they derive from was. */
export function secretOutputs(inputs: PropertyBag): Set<string> {
  const keys = new Set<string>();
  for (const input of inputs.secret) for (const output of SECRET_DERIVATIONS[input] ?? [input]) keys.add(output);
  return keys;
}
