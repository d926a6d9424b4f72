/**
 * Pulumi property paths (`tags[0]`, `a.b`, `["odd.key"]`): how failures name a property, and how the engine names
 * the properties of `ignoreChanges`. The grammar is the one pulumi/pulumi's ParsePropertyPath accepts
 * (sdk/go/common/resource/properties_path.go): a bare key runs to the next `.` or `[`, `[N]` is an index, `["k"]` a
 * quoted key (`\"` inside it is a quote), and `[*]` every element.
 */

export type PathSegment = string | number | typeof WILDCARD;

/** `[*]` (and a bare `*`): every element of a list, or every key of an object. */
export const WILDCARD: unique symbol = Symbol('*');

/**
 * The path to `key` under `path` ("" for the top level): the key as is when it reads as a path of its own, else
 * quoted (`["a.b"]`, `[""]`), so that a key holding ".", "[", "]" or '"', or an empty key, is still named exactly and
 * never read as a different path.
 */
export function keyPath(key: string, path = ''): string {
  if (key !== '' && !/[.[\]"]/.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

/** The path to element `index` of the list at `path`. */
export function indexPath(index: number, path = ''): string {
  return `${path}[${index}]`;
}

export class PropertyPathError extends Error {
  readonly code = 'ERR_PROPERTY_PATH';
  constructor(readonly path: string, reason: string) {
    super(`${JSON.stringify(path)} is not a property path: ${reason}`);
    this.name = 'PropertyPathError';
  }
}

/** Parses a property path into its segments; throws PropertyPathError on a malformed one. */
export function parsePropertyPath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  if (path.startsWith('.')) throw new PropertyPathError(path, 'it starts with "."');
  let rest = path;
  while (rest.length > 0) {
    if (rest[0] === '.') {
      rest = rest.slice(1);
      if (rest.length === 0) throw new PropertyPathError(path, 'it ends with "."');
      continue;
    }
    if (rest[0] === '[') {
      if (rest[1] === '"') {
        let key = '';
        let i = 2;
        for (;;) {
          if (i >= rest.length) throw new PropertyPathError(path, 'a quoted key has no closing quote');
          if (rest[i] === '"') {
            i++;
            break;
          }
          if (rest[i] === '\\' && rest[i + 1] === '"') {
            key += '"';
            i += 2;
          } else {
            key += rest[i++];
          }
        }
        if (rest[i] !== ']') throw new PropertyPathError(path, 'a quoted key has no closing "]"');
        segments.push(key);
        rest = rest.slice(i + 1);
        continue;
      }
      const close = rest.indexOf(']');
      if (close < 0) throw new PropertyPathError(path, 'an index has no closing "]"');
      const inner = rest.slice(1, close);
      if (inner === '*') segments.push(WILDCARD);
      else if (/^\d+$/.test(inner)) segments.push(Number(inner));
      else throw new PropertyPathError(path, `"${inner}" is not an index`);
      rest = rest.slice(close + 1);
      continue;
    }
    const end = rest.search(/[.[]/);
    const key = end < 0 ? rest : rest.slice(0, end);
    segments.push(key === '*' ? WILDCARD : key);
    rest = end < 0 ? '' : rest.slice(end);
  }
  return segments;
}

type Container = Record<string, unknown> | unknown[];

const isContainer = (value: unknown): value is Container => typeof value === 'object' && value !== null;

/** Every concrete location a path names in `value` (wildcards expanded), as segment lists. */
function locations(value: unknown, segments: readonly PathSegment[]): Array<Array<string | number>> {
  if (segments.length === 0) return [[]];
  const [head, ...tail] = segments;
  if (!isContainer(value)) return head === WILDCARD ? [] : [[head as string | number]];
  const keys: Array<string | number> =
    head === WILDCARD ? (Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value)) : [head];
  return keys.flatMap((k) => {
    const child = (value as Record<string | number, unknown>)[k];
    return locations(child, tail).map((loc) => [k, ...loc]);
  });
}

function getAt(value: unknown, location: ReadonlyArray<string | number>): { found: boolean; value?: unknown } {
  let current = value;
  for (const k of location) {
    if (!isContainer(current) || !Object.prototype.hasOwnProperty.call(current, k)) return { found: false };
    current = (current as Record<string | number, unknown>)[k];
  }
  return { found: true, value: current };
}

/** Sets (or, with `found: false`, removes) a location; returns false when its parent does not exist. */
function setAt(root: Record<string, unknown>, location: ReadonlyArray<string | number>, source: { found: boolean; value?: unknown }): boolean {
  let parent: unknown = root;
  for (const k of location.slice(0, -1)) {
    if (!isContainer(parent) || !Object.prototype.hasOwnProperty.call(parent, k)) return false;
    parent = (parent as Record<string | number, unknown>)[k];
  }
  if (!isContainer(parent)) return false;
  const last = location[location.length - 1];
  if (source.found) {
    Object.defineProperty(parent, last, { value: source.value, enumerable: true, writable: true, configurable: true });
  } else if (Array.isArray(parent) || !Object.prototype.hasOwnProperty.call(parent, last)) {
    return false; // nothing to remove (an element cannot be removed without shifting the others)
  } else {
    delete (parent as Record<string | number, unknown>)[last];
  }
  return true;
}

/**
 * What `ignoreChanges` means for a new set of values: every location the paths name takes its old value (or is
 * removed when the old values have none), the way the engine's processIgnoreChanges does before Check. Returns a
 * copy; the top-level keys touched are listed so callers can drop them from their unknown set.
 */
export function applyIgnoreChanges(
  news: Readonly<Record<string, unknown>>,
  olds: Readonly<Record<string, unknown>>,
  paths: readonly string[],
): { values: Record<string, unknown>; touched: Set<string> } {
  const values = structuredClone(news) as Record<string, unknown>;
  const touched = new Set<string>();
  for (const path of paths) {
    const segments = parsePropertyPath(path);
    if (segments.length === 0) continue;
    const seen = new Set<string>();
    for (const location of [...locations(olds, segments), ...locations(values, segments)]) {
      const key = JSON.stringify(location);
      if (seen.has(key)) continue;
      seen.add(key);
      if (setAt(values, location, getAt(olds, location))) touched.add(String(location[0]));
    }
  }
  return { values, touched };
}
