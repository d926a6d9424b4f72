/**
 * Sorting ids (by UTF-16 code units, as `<` compares strings) without a comparator call and two string reads per
 * comparison: each id gets a number made of the first characters after the prefix all of them share, packed with its
 * position into one float, and the floats are sorted natively; only ids whose numbers tie are compared as strings.
 * At a million ids this is several times faster than `Array.prototype.sort`.
 */

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The order of `ids` sorted: `ids[order[0]]` is the smallest. Stable for equal ids. */
export function sortedOrder(ids: readonly string[]): Int32Array {
  const n = ids.length;
  const order = new Int32Array(n);
  if (n < 2) {
    if (n === 1) order[0] = 0;
    return order;
  }
  // The prefix every id shares.
  const first = ids[0];
  let lcp = first.length;
  for (let k = 1; k < n && lcp > 0; k++) {
    const s = ids[k];
    const limit = lcp < s.length ? lcp : s.length;
    let j = 0;
    while (j < limit && s.charCodeAt(j) === first.charCodeAt(j)) j++;
    lcp = j;
  }
  let indexBits = 1;
  while (1 << indexBits < n) indexBits++;
  const chars = Math.floor((53 - indexBits) / 7);
  const scale = 2 ** indexBits;
  const packed = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const s = ids[k];
    let key = 0;
    for (let j = lcp; j < lcp + chars; j++) {
      const c = j < s.length ? s.charCodeAt(j) : 0;
      if (c >= 128) return fallback(ids);
      key = key * 128 + c;
    }
    packed[k] = key * scale + k;
  }
  packed.sort();
  for (let k = 0; k < n; k++) order[k] = packed[k] % scale;
  // Ids whose keys tie: sort each run as strings (by position when the ids are equal, to stay stable).
  let runStart = 0;
  for (let k = 1; k <= n; k++) {
    if (k < n && Math.floor(packed[k] / scale) === Math.floor(packed[runStart] / scale)) continue;
    if (k - runStart > 1) {
      const run = Array.from(order.subarray(runStart, k));
      run.sort((a, b) => compareStrings(ids[a], ids[b]) || a - b);
      order.set(run, runStart);
    }
    runStart = k;
  }
  return order;
}

function fallback(ids: readonly string[]): Int32Array {
  const order = Array.from({ length: ids.length }, (_, k) => k);
  order.sort((a, b) => compareStrings(ids[a], ids[b]) || a - b);
  return Int32Array.from(order);
}

/** `ids` sorted, in place. */
export function sortIds(ids: string[]): string[] {
  if (ids.length < 2) return ids;
  if (ids.length <= 8) return ids.sort(compareStrings);
  const order = sortedOrder(ids);
  const copy = ids.slice();
  for (let k = 0; k < ids.length; k++) ids[k] = copy[order[k]];
  return ids;
}

/** `items` sorted by a string id, in place. */
export function sortById<T>(items: T[], idOf: (item: T) => string): T[] {
  if (items.length < 2) return items;
  const order = sortedOrder(items.map(idOf));
  const copy = items.slice();
  for (let k = 0; k < items.length; k++) items[k] = copy[order[k]];
  return items;
}
