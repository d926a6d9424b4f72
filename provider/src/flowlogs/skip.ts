/**
 * Skipping a JSON value in UTF-8 bytes without building it: the parsers read the documented fields and pass over
 * everything else this way, so a field the format does not have (`"pad":[{},{},…]`) costs one linear pass and no
 * memory, whatever its size or depth. Strict JSON grammar (RFC 8259); nesting is tracked on an explicit stack, not
 * by recursion. Each function returns the position after what it skipped, or, when the bytes are not valid JSON,
 * a negative number: `failedAt(result)` is where.
 */

/** JSON's structural bytes (the fast decoder in scan.ts uses them too). */
export const QUOTE = 0x22;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const LBRACE = 0x7b;
export const RBRACE = 0x7d;
export const LBRACKET = 0x5b;
export const RBRACKET = 0x5d;
export const ZERO = 0x30;
export const NINE = 0x39;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;

/** Where a skip failed, from its negative result. */
export const failedAt = (result: number): number => -1 - result;
const fail = (p: number): number => -1 - p;

const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDigit = (c: number) => c >= ZERO && c <= NINE;
const isHex = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

function skipWs(b: Uint8Array, p: number): number {
  while (isWs(b[p])) p++;
  return p;
}

/** A string at p (at its opening quote): escapes checked, control characters refused. */
export function skipJsonString(b: Uint8Array, p: number): number {
  if (b[p] !== QUOTE) return fail(p);
  p++;
  for (;;) {
    const c = b[p];
    if (c === QUOTE) return p + 1;
    if (c === undefined || c < 0x20) return fail(p);
    if (c === BACKSLASH) {
      const e = b[p + 1];
      if (e === 0x75) {
        for (let i = 2; i < 6; i++) if (!isHex(b[p + i])) return fail(p + i);
        p += 6;
      } else if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
        p += 2;
      } else {
        return fail(p + 1);
      }
    } else {
      p++;
    }
  }
}

/** A number at p: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`. */
export function skipJsonNumber(b: Uint8Array, p: number): number {
  if (b[p] === MINUS) p++;
  if (b[p] === ZERO) p++;
  else if (isDigit(b[p])) while (isDigit(b[p])) p++;
  else return fail(p);
  if (b[p] === 0x2e) {
    p++;
    if (!isDigit(b[p])) return fail(p);
    while (isDigit(b[p])) p++;
  }
  if (b[p] === 0x65 || b[p] === 0x45) {
    p++;
    if (b[p] === 0x2b || b[p] === MINUS) p++;
    if (!isDigit(b[p])) return fail(p);
    while (isDigit(b[p])) p++;
  }
  return p;
}

function literalAt(b: Uint8Array, p: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (b[p + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** Open containers of the value being skipped: 1 for an object, 0 for an array (grown as needed). */
let stack = new Uint8Array(256);

/** Any value at p (whitespace before it allowed), containers included. */
export function skipJsonValue(b: Uint8Array, p: number): number {
  let depth = 0;
  const push = (kind: number) => {
    if (depth === stack.length) {
      const bigger = new Uint8Array(stack.length * 2);
      bigger.set(stack);
      stack = bigger;
    }
    stack[depth++] = kind;
  };
  try {
    value: for (;;) {
      p = skipWs(b, p);
      const c = b[p];
      if (c === LBRACE) {
        push(1);
        p = skipWs(b, p + 1);
        if (b[p] === RBRACE) {
          p++;
          depth--;
        } else {
          p = skipJsonString(b, p);
          if (p < 0) return p;
          p = skipWs(b, p);
          if (b[p] !== COLON) return fail(p);
          p++;
          continue value;
        }
      } else if (c === LBRACKET) {
        push(0);
        p = skipWs(b, p + 1);
        if (b[p] === RBRACKET) {
          p++;
          depth--;
        } else {
          continue value;
        }
      } else if (c === QUOTE) {
        p = skipJsonString(b, p);
      } else if (c === MINUS || isDigit(c)) {
        p = skipJsonNumber(b, p);
      } else if (c === 0x74 && literalAt(b, p, 'true')) {
        p += 4;
      } else if (c === 0x66 && literalAt(b, p, 'false')) {
        p += 5;
      } else if (c === 0x6e && literalAt(b, p, 'null')) {
        p += 4;
      } else {
        return fail(p);
      }
      if (p < 0) return p;
      // After a value: close containers, or go on to the next member or element.
      for (;;) {
        if (depth === 0) return p;
        p = skipWs(b, p);
        const d = b[p];
        const inObject = stack[depth - 1] === 1;
        if (d === COMMA) {
          p = skipWs(b, p + 1);
          if (inObject) {
            p = skipJsonString(b, p);
            if (p < 0) return p;
            p = skipWs(b, p);
            if (b[p] !== COLON) return fail(p);
            p++;
          }
          continue value;
        }
        if (d === (inObject ? RBRACE : RBRACKET)) {
          p++;
          depth--;
          continue;
        }
        return fail(p);
      }
    }
  } finally {
    if (stack.length > 4096) stack = new Uint8Array(256);
  }
}
