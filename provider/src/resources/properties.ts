/**
 * How the resource layer sees property values: plain values, plus which top-level keys were unknown (preview) or
 * secret. Outputs may hold UNKNOWN (shared/values.ts) where a value cannot be predicted.
 */
export interface PropertyBag {
  values: Record<string, unknown>;
  /** Top-level keys whose value is, or contains, an unknown. Their entry in `values` is absent. */
  unknown: Set<string>;
  /** Top-level keys whose value is, or contains, a secret. */
  secret: Set<string>;
}

export type Outputs = Record<string, unknown>;

export function bag(values: Record<string, unknown>, unknown: Iterable<string> = [], secret: Iterable<string> = []): PropertyBag {
  return { values, unknown: new Set(unknown), secret: new Set(secret) };
}

/** Whether a bag holds nothing (the engine sends an empty Struct, not null, for "no olds"). */
export function isEmpty(b: PropertyBag | undefined): boolean {
  return b === undefined || (Object.keys(b.values).length === 0 && b.unknown.size === 0);
}
