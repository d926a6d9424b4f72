/**
 * How the resource layer sees property values, apart from the wire codec: plain values, plus which top-level keys
 * were unknown (preview) or secret. Outputs may hold {@link UNKNOWN} where a value cannot be predicted.
 */
export const UNKNOWN: unique symbol = Symbol.for('ibmflowlogs.unknown');
export type Unknown = typeof UNKNOWN;

export interface PropertyBag {
  values: Record<string, unknown>;
  /** Top-level keys whose value is, or contains, an unknown. Their entry in `values` is absent. */
  unknown: Set<string>;
  /** Top-level keys whose value is, or contains, a secret. */
  secret: Set<string>;
}

export type Outputs = Record<string, unknown>;

export interface CheckFailure {
  property: string;
  reason: string;
}

export function bag(values: Record<string, unknown>, unknown: Iterable<string> = [], secret: Iterable<string> = []): PropertyBag {
  return { values, unknown: new Set(unknown), secret: new Set(secret) };
}
