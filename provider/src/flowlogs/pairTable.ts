/**
 * Totals per (initiator, target) address pair: an open-addressing hash table over the two uint32 addresses, so
 * that counting a record costs no string and no allocation. Sums bytes, packets and flows per pair.
 */

const EMPTY = 0;
const USED = 1;

export interface PairTotals {
  initiator: number;
  target: number;
  bytes: number;
  packets: number;
  flows: number;
}

export class PairTable {
  private capacity = 1024;
  private count = 0;
  private keys = new Uint32Array(this.capacity * 2);
  private state = new Uint8Array(this.capacity);
  private values = new Float64Array(this.capacity * 3);

  get size(): number {
    return this.count;
  }

  private slot(a: number, b: number): number {
    let h = Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    const mask = this.capacity - 1;
    let i = h & mask;
    const keys = this.keys;
    const state = this.state;
    while (state[i] === USED && (keys[2 * i] !== a || keys[2 * i + 1] !== b)) i = (i + 1) & mask;
    return i;
  }

  add(initiator: number, target: number, bytes: number, packets: number): void {
    let i = this.slot(initiator, target);
    if (this.state[i] === EMPTY) {
      if ((this.count + 1) * 4 > this.capacity * 3) {
        this.grow();
        i = this.slot(initiator, target);
      }
      this.state[i] = USED;
      this.keys[2 * i] = initiator;
      this.keys[2 * i + 1] = target;
      this.count++;
    }
    const v = this.values;
    v[3 * i] += bytes;
    v[3 * i + 1] += packets;
    v[3 * i + 2] += 1;
  }

  private grow(): void {
    const { keys, state, values, capacity } = this;
    this.capacity = capacity * 2;
    this.keys = new Uint32Array(this.capacity * 2);
    this.state = new Uint8Array(this.capacity);
    this.values = new Float64Array(this.capacity * 3);
    for (let j = 0; j < capacity; j++) {
      if (state[j] !== USED) continue;
      const i = this.slot(keys[2 * j], keys[2 * j + 1]);
      this.state[i] = USED;
      this.keys[2 * i] = keys[2 * j];
      this.keys[2 * i + 1] = keys[2 * j + 1];
      this.values[3 * i] = values[3 * j];
      this.values[3 * i + 1] = values[3 * j + 1];
      this.values[3 * i + 2] = values[3 * j + 2];
    }
  }

  /** The `limit` pairs with the most bytes (ties: more packets, then lower initiator, then lower target). */
  top(limit: number): PairTotals[] {
    const before = (x: PairTotals, y: PairTotals) => y.bytes - x.bytes || y.packets - x.packets || x.initiator - y.initiator || x.target - y.target;
    // A selection, not a sort of every pair: keep the best `limit` seen so far, in order.
    const best: PairTotals[] = [];
    const v = this.values;
    for (let i = 0; i < this.capacity; i++) {
      if (this.state[i] !== USED) continue;
      if (best.length === limit && v[3 * i] < best[limit - 1].bytes) continue;
      const p = { initiator: this.keys[2 * i], target: this.keys[2 * i + 1], bytes: v[3 * i], packets: v[3 * i + 1], flows: v[3 * i + 2] };
      if (best.length === limit && before(p, best[limit - 1]) >= 0) continue;
      let at = best.length;
      while (at > 0 && before(p, best[at - 1]) < 0) at--;
      best.splice(at, 0, p);
      if (best.length > limit) best.pop();
    }
    return best;
  }
}
