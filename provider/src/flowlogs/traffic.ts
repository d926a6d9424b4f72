/**
 * Traffic per address pair, counted once when both ends log it.
 *
 * When both interfaces of a connection have flow logs, IBM documents that the initiator and target fields are
 * identical on both interfaces' records (emulator/README.md, "Flow logs"): the initiator's interface logs the
 * connection with direction O, the target's with direction I. Adding both would double the traffic. So each (VPC,
 * initiator address, target address) pair keeps the two ends apart, and its traffic counts once, from the end that
 * logged more flow records (the initiator's end on a tie): when both ends were logged throughout, the two hold the same
 * connections; when one end was logged for less of the range (a collector suspended, or created within it), the
 * other end's larger view counts. Each interface's own totals still show everything its objects hold.
 *
 * Memory: one entry per distinct pair and VPC (an open-addressing table of numbers), not per record.
 */
import { Table3 } from './tables';

/** Per end (O: the initiator's interface, I: the target's), in this order. */
const FLOWS = 0;
const ACCEPTED = 1;
const BYTES = 2;
const PACKETS = 3;
const SIDE = 4;
const I = SIDE;

export interface PairCount {
  vpc: number;
  initiator: number;
  target: number;
  flows: number;
  accepted: number;
  bytes: number;
  packets: number;
  /** Both ends logged this pair (so one end's records were not counted again). */
  bothEnds: boolean;
  /** What the other end logged and was not counted again. */
  notCounted: { flows: number; bytes: number; packets: number };
}

export class TrafficTable {
  private readonly table = new Table3(2 * SIDE);

  /** One record: `outbound` when its direction is O (logged by the initiator's interface). */
  add(vpc: number, initiator: number, target: number, outbound: boolean, accepted: boolean, bytes: number, packets: number): void {
    const t = this.table;
    const at = t.slot(vpc, initiator, target) * t.width + (outbound ? 0 : I);
    const v = t.values;
    v[at + FLOWS] += 1;
    if (accepted) v[at + ACCEPTED] += 1;
    v[at + BYTES] += bytes;
    v[at + PACKETS] += packets;
  }

  /** Every pair, counted once. */
  *pairs(): Generator<PairCount> {
    const t = this.table;
    const v = t.values;
    for (const s of t.slots()) {
      const o = s * t.width;
      const fromTarget = v[o + I + FLOWS] > v[o + FLOWS];
      const c = fromTarget ? o + I : o;
      const other = fromTarget ? o : o + I;
      yield {
        vpc: t.key(s, 0),
        initiator: t.key(s, 1),
        target: t.key(s, 2),
        flows: v[c + FLOWS],
        accepted: v[c + ACCEPTED],
        bytes: v[c + BYTES],
        packets: v[c + PACKETS],
        bothEnds: v[o + FLOWS] > 0 && v[o + I + FLOWS] > 0,
        notCounted: { flows: v[other + FLOWS], bytes: v[other + BYTES], packets: v[other + PACKETS] },
      };
    }
  }
}
