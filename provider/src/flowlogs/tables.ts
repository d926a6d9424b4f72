/**
 * Compact numeric storage for the analyzer, so that its memory grows by a few dozen bytes per distinct thing
 * counted rather than by a JavaScript object, a string key and a Set each: an open-addressing hash table over
 * three uint32 key words, growable rows of numbers, and an interner for interface ids.
 */

/** Hash table keyed by three uint32 words; each entry holds `width` float64 values (zero when created). */
export class Table3 {
  private capacity = 1024;
  private used = new Uint8Array(this.capacity);
  private keys = new Uint32Array(this.capacity * 3);
  /** `width` values per slot; index with `slot * width`. Replaced when the table grows. */
  values: Float64Array;
  size = 0;
  /** Whether the last `slot()` call created its entry. */
  created = false;

  constructor(readonly width: number) {
    this.values = new Float64Array(this.capacity * width);
  }

  private find(a: number, b: number, c: number): number {
    let h = Math.imul(a ^ Math.imul(b, 0x9e3779b1) ^ Math.imul(c, 0x85ebca77), 0xc2b2ae3d);
    h ^= h >>> 15;
    h = Math.imul(h, 0x27d4eb2f);
    h ^= h >>> 16;
    const mask = this.capacity - 1;
    const keys = this.keys;
    const used = this.used;
    let i = h & mask;
    while (used[i] === 1 && (keys[3 * i] !== a || keys[3 * i + 1] !== b || keys[3 * i + 2] !== c)) i = (i + 1) & mask;
    return i;
  }

  /** The slot of the entry for (a, b, c), created when absent; valid until the next call. */
  slot(a: number, b: number, c: number): number {
    let i = this.find(a, b, c);
    this.created = this.used[i] === 0;
    if (this.created) {
      if ((this.size + 1) * 4 > this.capacity * 3) {
        this.grow();
        i = this.find(a, b, c);
      }
      this.used[i] = 1;
      this.keys[3 * i] = a;
      this.keys[3 * i + 1] = b;
      this.keys[3 * i + 2] = c;
      this.size++;
    }
    return i;
  }

  private grow(): void {
    const { used, keys, values, capacity, width } = this;
    this.capacity = capacity * 2;
    this.used = new Uint8Array(this.capacity);
    this.keys = new Uint32Array(this.capacity * 3);
    this.values = new Float64Array(this.capacity * width);
    for (let j = 0; j < capacity; j++) {
      if (used[j] === 0) continue;
      const i = this.find(keys[3 * j], keys[3 * j + 1], keys[3 * j + 2]);
      this.used[i] = 1;
      this.keys.set(keys.subarray(3 * j, 3 * j + 3), 3 * i);
      this.values.set(values.subarray(width * j, width * j + width), width * i);
    }
  }

  /** Every used slot, in table order. */
  *slots(): Generator<number> {
    for (let i = 0; i < this.capacity; i++) if (this.used[i] === 1) yield i;
  }

  key(slot: number, word: 0 | 1 | 2): number {
    return this.keys[3 * slot + word];
  }
}

/** Rows of `width` numbers, appended; `add()` returns the offset of a new zeroed row in `data`. */
export class Rows {
  data: Float64Array;
  count = 0;

  constructor(readonly width: number) {
    this.data = new Float64Array(width * 256);
  }

  add(): number {
    if ((this.count + 1) * this.width > this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    return this.count++ * this.width;
  }
}

/** Strings to small integers and back. */
export class Interner {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [];

  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.ids.set(name, id);
    }
    return id;
  }
}
