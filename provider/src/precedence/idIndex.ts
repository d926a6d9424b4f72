/**
 * A hash index from string ids to small integers, for the simulator's hot loop.
 *
 * Why not a Map: a miss in a V8 Map of 100,000 string keys walks a bucket chain whose keys are compared by content
 * (every id has the same length and prefix), which costs cache misses on strings all over the heap. Here each slot
 * keeps the key's 32-bit hash next to its value, keys are only read when the hashes match, and a small bitset in
 * front answers most misses without touching the table. The hash reads an id's length and last 12 characters (IBM
 * ids end in random hex), so computing it is cheap; if the keys turn out to share their tails (long probe runs while
 * building), the index rebuilds itself hashing every character.
 */

const TAIL = 12;
const MAX_PROBE = 24;

function hashId(s: string, full: boolean): number {
  const len = s.length;
  let h = Math.imul(len, 0x9e3779b1) ^ 0x811c9dc5;
  for (let k = full || len <= TAIL ? 0 : len - TAIL; k < len; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
  // murmur3's finalizer, so that the low bits used for slots depend on every character read.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export class IdIndex {
  private full = false;
  private mask = 0;
  /** Two Int32 per slot: the key's hash, and its entry number + 1 (0 marks an empty slot). */
  private slots = new Int32Array(0);
  private filterMask = 0;
  private filter = new Int32Array(0);
  /** Entries in insertion order. */
  private readonly keys: string[] = [];
  private readonly values: number[] = [];

  /** `capacity`: how many keys it will hold (beyond that it grows). */
  constructor(capacity: number) {
    this.allocate(capacity);
  }

  get size(): number {
    return this.keys.length;
  }

  /** Adds key → value unless the key is there already; returns the value it already had, or -1. */
  add(key: string, value: number): number {
    const existing = this.get(key);
    if (existing >= 0) return existing;
    const entry = this.keys.length;
    this.keys.push(key);
    this.values.push(value);
    if (this.keys.length * 2 > this.mask + 1) {
      this.allocate(this.keys.length * 2);
      this.reinsert();
    } else if (!this.insert(key, entry) && !this.full) {
      this.hashEveryCharacter();
    }
    return -1;
  }

  /** The value of `key`, or -1. */
  get(key: string): number {
    const h = hashId(key, this.full);
    const f = (h >>> 5) & this.filterMask;
    if ((this.filter[f >>> 5] & (1 << (f & 31))) === 0) return -1;
    const slots = this.slots;
    const mask = this.mask;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[2 * slot + 1] - 1;
      if (entry < 0) return -1;
      if (slots[2 * slot] === h && this.keys[entry] === key) return this.values[entry];
    }
  }

  private allocate(capacity: number): void {
    let slots = 1024;
    while (slots < capacity * 4 && slots < 1 << 28) slots *= 2;
    this.mask = slots - 1;
    this.slots = new Int32Array(slots * 2);
    let bits = 1 << 16;
    while (bits < capacity * 16 && bits < 1 << 28) bits *= 2;
    this.filterMask = bits - 1;
    this.filter = new Int32Array(bits >>> 5);
  }

  /** Returns false when the key needed a long probe run (keys that share their tails). */
  private insert(key: string, entry: number): boolean {
    const h = hashId(key, this.full);
    const f = (h >>> 5) & this.filterMask;
    this.filter[f >>> 5] |= 1 << (f & 31);
    const slots = this.slots;
    const mask = this.mask;
    let probes = 0;
    let slot = h & mask;
    while (slots[2 * slot + 1] !== 0) {
      slot = (slot + 1) & mask;
      probes++;
    }
    slots[2 * slot] = h;
    slots[2 * slot + 1] = entry + 1;
    return probes <= MAX_PROBE;
  }

  private reinsert(): void {
    let long = false;
    for (let entry = 0; entry < this.keys.length; entry++) if (!this.insert(this.keys[entry], entry)) long = true;
    if (long && !this.full) this.hashEveryCharacter();
  }

  private hashEveryCharacter(): void {
    this.full = true;
    this.slots.fill(0);
    this.filter.fill(0);
    this.reinsert();
  }
}
