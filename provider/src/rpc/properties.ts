/**
 * Between the codec's value model and the resource layer's property bags: top-level keys that hold an unknown or a
 * secret anywhere are recorded as such, and values reach the resource plain. On the way back, outputs are marked
 * secret where an input they derive from was (ResourceType.secretDerivations), since with acceptSecrets the engine
 * leaves that to the provider (pulumi/pulumi sdk/go/common/resource/plugin/provider_plugin.go annotates only when
 * a provider does not accept secrets), and everything is unwrapped for an engine that does not accept secrets.
 */
import type { Outputs, PropertyBag } from '../resources/properties';
import { containsSecret, containsUnknown, type EncodableObject, encodeObject, type PObject, UNKNOWN, unwrap, withoutSecrets, withSecretness, type WireObject } from './codec';

export function bagOf(model: PObject): PropertyBag {
  const values: Record<string, unknown> = {};
  const unknown = new Set<string>();
  const secretKeys = new Set<string>();
  for (const [key, value] of Object.entries(model)) {
    if (containsSecret(value)) secretKeys.add(key);
    if (containsUnknown(value)) unknown.add(key);
    else Object.defineProperty(values, key, { value: unwrap(value), enumerable: true, writable: true, configurable: true });
  }
  return { values, unknown, secret: secretKeys };
}

/** How one response encodes what the engine stores: which inputs were secret, and whether the engine takes secrets. */
export interface OutputEncoding {
  /** Top-level input keys that were secret. */
  secretInputs: ReadonlySet<string>;
  /** Output keys derived from each input. */
  derivations: Readonly<Record<string, readonly string[]>>;
  /** ConfigureRequest.acceptSecrets: false for an engine that cannot read secret values. */
  acceptSecrets: boolean;
}

/** The output keys that derive from some input: outputs named after an input derive from it too. */
function derivedFrom(derivations: Readonly<Record<string, readonly string[]>>): Record<string, string[]> {
  const from: Record<string, string[]> = {};
  for (const [input, outputs] of Object.entries(derivations)) for (const output of outputs) (from[output] ??= []).push(input);
  return from;
}

/** Outputs (or read inputs) for the wire: secrets where derived from a secret input, UNKNOWN as the sentinel. */
export function encodeOutputs(outputs: Outputs, encoding: OutputEncoding): WireObject {
  const marked = withSecretness(outputs as EncodableObject, encoding.secretInputs, derivedFrom(encoding.derivations));
  return encodeObject((encoding.acceptSecrets ? marked : withoutSecrets(marked)) as EncodableObject);
}

/** Checked inputs back to the wire, keeping unknown keys unknown and secret keys secret. */
export function encodeBag(bag: PropertyBag, acceptSecrets: boolean): WireObject {
  const outputs: Outputs = { ...bag.values };
  for (const key of bag.unknown) outputs[key] = UNKNOWN;
  return encodeOutputs(outputs, { secretInputs: bag.secret, derivations: {}, acceptSecrets });
}
