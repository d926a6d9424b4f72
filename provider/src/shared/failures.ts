/**
 * A problem with one input, named by its property path (shared/propertyPath.ts): what Check and CheckConfig return
 * and what Invoke answers as failures. Validation collects every one of them and returns them as data.
 */
export interface Failure {
  /** A Pulumi property path: `target`, `tags[1]`, `collectors[0].name`, `["odd.key"]`. */
  property: string;
  /** What is wrong, the value received, what is allowed (never a secret). */
  reason: string;
}

/** Invalid input found outside Check (Invoke arguments, an operation's own look-up), carrying every failure. */
export class InputError extends Error {
  readonly code = 'ERR_INVALID_INPUT';

  constructor(readonly failures: Failure[]) {
    super(failures.map((f) => `${f.property}: ${f.reason}`).join('; '));
    this.name = 'InputError';
  }
}

/** A received value, quoted and cut short, for a failure's reason. */
export function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value) : JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

/** The kind of a received value, for "must be …, received <kind>". */
export function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

/** Failures in property-path order (`collectors[2]` before `collectors[10]`). */
export function byProperty(failures: Failure[]): Failure[] {
  return [...failures].sort((a, b) => a.property.localeCompare(b.property, 'en', { numeric: true }));
}
