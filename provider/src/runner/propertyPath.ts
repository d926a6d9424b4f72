/**
 * Property paths as the engine reads them in `ignoreChanges` and `replaceOnChanges` (`tags[0]`, `a.b`,
 * `a["key.with.dots"]`, `*` for any element), on wire values. A port of pulumi/pulumi
 * sdk/go/common/resource/properties_path.go: parsePropertyPath, Contains and Reset, so that the runner ignores and
 * replaces exactly what `pulumi up` would. Pure.
 */
import { SECRET_SIG, SIG_KEY, type WireObject, type WireValue } from '../rpc/codec';

export type PathElement = string | number;
export type PropertyPath = PathElement[];

/** Parses a path the engine's (lenient) way; throws with the reason on what it cannot parse. */
export function parsePropertyPath(text: string): PropertyPath {
  const elements: PropertyPath = [];
  let rest = text;
  if (rest.startsWith('.')) throw new Error(`property path "${text}" must start with a name or an index`);
  while (rest.length > 0) {
    if (rest[0] === '.') {
      rest = rest.slice(1);
      if (rest.length === 0) throw new Error(`property path "${text}" must end with a name or an index`);
    } else if (rest[0] === '[') {
      if (rest[1] === '"') {
        let key = '';
        let i = 2;
        for (;;) {
          if (i >= rest.length) throw new Error(`property path "${text}" has a quoted name without its closing quote`);
          if (rest[i] === '"') {
            i += 1;
            break;
          }
          if (rest[i] === '\\' && rest[i + 1] === '"') {
            key += '"';
            i += 2;
          } else {
            key += rest[i];
            i += 1;
          }
        }
        if (rest[i] !== ']') throw new Error(`property path "${text}" has a "[" without its closing "]"`);
        elements.push(key);
        rest = rest.slice(i + 1);
      } else {
        const close = rest.indexOf(']');
        if (close < 0) throw new Error(`property path "${text}" has a "[" without its closing "]"`);
        const segment = rest.slice(1, close);
        if (segment === '*') elements.push('*');
        else if (/^-?\d+$/.test(segment)) elements.push(Number(segment));
        else throw new Error(`property path "${text}": "${segment}" is not an array index; use a number, * or a quoted name ["${segment}"]`);
        rest = rest.slice(close + 1);
      }
    } else {
      const end = rest.search(/[.[]/);
      const name = end < 0 ? rest : rest.slice(0, end);
      elements.push(name);
      rest = end < 0 ? '' : rest.slice(end);
    }
  }
  return elements;
}

/** The path as the engine prints it: `a.b[0]["x y"]`. */
export function formatPropertyPath(path: PropertyPath): string {
  return path
    .map((e, i) => (typeof e === 'number' ? `[${e}]` : /^[A-Za-z0-9_*]+$/.test(e) ? (i === 0 ? e : `.${e}`) : `["${e.replace(/"/g, '\\"')}"]`))
    .join('');
}

/** `path` covers `other`: `other` starts with `path`, `*` matching any name (PropertyPath.Contains). */
export function pathContains(path: PropertyPath, other: PropertyPath): boolean {
  if (other.length < path.length) return false;
  return path.every((p, i) => (typeof p === 'number' ? other[i] === p : p === '*' || other[i] === p));
}

const isObject = (v: WireValue | undefined): v is WireObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSecret = (v: WireValue | undefined): boolean => isObject(v) && v[SIG_KEY] === SECRET_SIG;
const secretOf = (v: WireValue): WireObject => ({ [SIG_KEY]: SECRET_SIG, value: v });

/** The value inside a secret wrapper (changes to an object or array inside it change the wrapped value). */
const inner = (v: WireValue): WireValue => (isSecret(v) ? ((v as WireObject).value as WireValue) : v);

/**
 * Sets, in `news`, each location `path` names to its value in `olds` (deleting it where `olds` lacks it), without
 * creating intermediate locations or changing array lengths, as PropertyPath.Reset does; false on a path error (an
 * element added or removed on the way). `news` is changed in place.
 */
export function resetPath(path: PropertyPath, olds: WireObject, news: WireObject): boolean {
  return reset(path, olds, news, false, false);
}

function reset(path: PropertyPath, oldValue: WireValue, newValue: WireValue, oldSecretCtx: boolean, newSecretCtx: boolean): boolean {
  const old = inner(oldValue);
  const neu = inner(newValue);
  const oldSecret = oldSecretCtx || isSecret(oldValue);
  const newSecret = newSecretCtx || isSecret(newValue);
  const carry = (v: WireValue) => (oldSecret && !newSecret ? secretOf(v) : v);
  const [key, ...rest] = path;

  if (typeof key === 'number') {
    if (key < 0) return false;
    const [oa, na] = [Array.isArray(old), Array.isArray(neu)];
    if (rest.length === 0) {
      if (!oa && !na) return true;
      if (!oa || !na) return false;
      const [ol, nl] = [old as WireValue[], neu as WireValue[]];
      if (key >= ol.length && key >= nl.length) return true;
      if (key >= ol.length || key >= nl.length) return false;
      nl[key] = carry(ol[key]);
      return true;
    }
    if (!oa || !na) return !oa && !na;
    const [ol, nl] = [old as WireValue[], neu as WireValue[]];
    if (key >= ol.length || key >= nl.length) return false;
    return reset(rest, ol[key], nl[key], oldSecret, newSecret);
  }

  if (key === '*') {
    if (rest.length === 0) {
      if (isObject(neu)) {
        if (isObject(old)) {
          for (const k of Object.keys(old)) neu[k] = carry(old[k]);
          for (const k of Object.keys(neu)) if (!(k in old)) delete neu[k];
        }
        return true;
      }
      if (Array.isArray(neu)) {
        if (Array.isArray(old)) {
          old.forEach((v, i) => {
            if (i < neu.length) neu[i] = carry(v);
          });
          return old.length === neu.length;
        }
        return true;
      }
      return false;
    }
    if (isObject(old) && isObject(neu)) {
      return Object.keys(old).every((k) => k in neu && reset(rest, old[k], neu[k], oldSecret, newSecret));
    }
    if (Array.isArray(old) && Array.isArray(neu)) {
      const ok = old.every((v, i) => i >= neu.length || reset(rest, v, neu[i], oldSecret, newSecret));
      return ok && old.length === neu.length;
    }
    return false;
  }

  if (rest.length === 0) {
    if (isObject(old) && key in old) {
      if (!isObject(neu)) return false;
      neu[key] = carry(old[key]);
    } else if (isObject(neu)) {
      delete neu[key];
    }
    return true;
  }
  if (!isObject(old) || !isObject(neu)) return !isObject(old) && !isObject(neu);
  const [hasOld, hasNew] = [key in old, key in neu];
  if (hasOld && !hasNew) return false;
  if (!hasOld && !hasNew) return true;
  // Absent in olds: what the path names below is removed from news (the engine recurses with a null old value).
  return reset(rest, hasOld ? old[key] : null, neu[key], oldSecret, newSecret);
}

/**
 * The engine's processIgnoreChanges (pulumi/pulumi pkg/resource/deploy/step_generator.go): `news` with every
 * ignored path set back to its value in `olds`; `invalid` lists the paths that named an added or removed element.
 */
export function applyIgnoreChanges(news: WireObject, olds: WireObject, paths: readonly string[]): { inputs: WireObject; invalid: string[] } {
  const inputs = structuredClone(news);
  const invalid: string[] = [];
  for (const text of paths) {
    let path: PropertyPath;
    try {
      path = parsePropertyPath(text);
    } catch {
      continue; // the engine skips a path it cannot parse
    }
    if (!resetPath(path, olds, inputs)) invalid.push(text);
  }
  return { inputs, invalid };
}
