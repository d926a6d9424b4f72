/**
 * Asymmetric connections: one 5-tuple whose traffic is accepted in one direction and rejected in the other (use
 * case 2: a network ACL lets requests in but drops the replies). Security groups are stateful (a reply to an
 * accepted request is let through), network ACLs are stateless, so such a drop points at a network ACL on the
 * subnet of the interface that logged the rejection.
 *
 * Memory: a row of numbers per rejected record, and per accepted record that carried traffic one way only
 * (requests without replies, or the reverse): a healthy connection with traffic both ways cannot be half of such a
 * pair and is not kept. Pairs are matched in `findings()` (both lists sorted by 5-tuple), so the result does not
 * depend on the order in which records arrive.
 */
import { plural, protocolName } from './wording';
import { formatIpv4 } from './ipv4';
import type { AsymmetricFinding } from './report';
import { Interner, Rows } from './tables';

export type Side = 'requests' | 'replies';
export type Direction = 'inbound' | 'outbound';

/** Where the dropped packets go relative to the logging interface, from the record's direction (I / O). */
export function dropDirectionOf(side: Side, outbound: boolean): Direction {
  // Replies travel target → initiator: out of the interface when it is the target (I), into it when it initiated (O).
  return (side === 'replies') === !outbound ? 'outbound' : 'inbound';
}

// Row layouts: the 5-tuple first (protocol, initiator ip, initiator port, target ip, target port), then:
const T = 5;
const R_IFACE = T; // rejected: interface id (interned)
const R_REPLIES = T + 1; // 1: the replies were rejected, 0: the requests
const R_OUTBOUND = T + 2; // 1: the dropped packets leave the interface
const R_PACKETS = T + 3;
const R_BYTES = T + 4;
const A_IFACE = T; // accepted one way: interface id (interned)
const A_REPLIES = T + 1; // 1: only replies were accepted, 0: only requests

function setTuple(d: Float64Array, o: number, protocol: number, initiatorIp: number, initiatorPort: number, targetIp: number, targetPort: number): void {
  d[o] = protocol;
  d[o + 1] = initiatorIp;
  d[o + 2] = initiatorPort;
  d[o + 3] = targetIp;
  d[o + 4] = targetPort;
}

const cmpTuple = (a: Float64Array, x: number, b: Float64Array, y: number) =>
  a[x] - b[y] || a[x + 1] - b[y + 1] || a[x + 2] - b[y + 2] || a[x + 3] - b[y + 3] || a[x + 4] - b[y + 4];

/** Row offsets sorted by 5-tuple. */
function byTuple(rows: Rows): number[] {
  const d = rows.data;
  const order = Array.from({ length: rows.count }, (_, i) => i * rows.width);
  return order.sort((x, y) => cmpTuple(d, x, d, y));
}

export class AsymmetryTracker {
  private readonly rejected = new Rows(T + 5);
  private readonly accepted = new Rows(T + 2);

  constructor(private readonly interfaces: Interner) {}

  /** A rejected record whose rejected packets went one way (`side`); `recordOutbound`: its direction is O. */
  addRejected(
    protocol: number,
    initiatorIp: number,
    initiatorPort: number,
    targetIp: number,
    targetPort: number,
    iface: number,
    side: Side,
    recordOutbound: boolean,
    packets: number,
    bytes: number,
  ): void {
    const o = this.rejected.add();
    const d = this.rejected.data;
    setTuple(d, o, protocol, initiatorIp, initiatorPort, targetIp, targetPort);
    d[o + R_IFACE] = iface;
    d[o + R_REPLIES] = side === 'replies' ? 1 : 0;
    d[o + R_OUTBOUND] = dropDirectionOf(side, recordOutbound) === 'outbound' ? 1 : 0;
    d[o + R_PACKETS] = packets;
    d[o + R_BYTES] = bytes;
  }

  /** An accepted record whose traffic went one way only (`side`). */
  addAcceptedOneWay(protocol: number, initiatorIp: number, initiatorPort: number, targetIp: number, targetPort: number, iface: number, side: Side): void {
    const o = this.accepted.add();
    const d = this.accepted.data;
    setTuple(d, o, protocol, initiatorIp, initiatorPort, targetIp, targetPort);
    d[o + A_IFACE] = iface;
    d[o + A_REPLIES] = side === 'replies' ? 1 : 0;
  }

  /** The findings' parts (see `asymmetricFinding`). */
  parts(): AsymmetricParts[] {
    interface Group {
      row: number;
      tuples: Set<string>;
      initiators: Set<number>;
      acceptedOn: Set<string>;
      packets: number;
      bytes: number;
    }
    const groups = new Map<string, Group>();
    const r = this.rejected.data;
    const a = this.accepted.data;
    const aOrder = byTuple(this.accepted);
    let j = 0;
    for (const x of byTuple(this.rejected)) {
      while (j < aOrder.length && cmpTuple(a, aOrder[j], r, x) < 0) j++;
      // Accepted one-way records of the same connection that carried the other side.
      const wanted = r[x + R_REPLIES] === 1 ? 0 : 1;
      let acceptedOn: string[] | undefined;
      for (let k = j; k < aOrder.length && cmpTuple(a, aOrder[k], r, x) === 0; k++) {
        if (a[aOrder[k] + A_REPLIES] === wanted) (acceptedOn ??= []).push(this.interfaces.names[a[aOrder[k] + A_IFACE]]);
      }
      if (!acceptedOn) continue;
      const key = `${r[x + R_IFACE]}|${r[x + R_REPLIES]}|${r[x + R_OUTBOUND]}|${r[x]}|${r[x + 3]}|${r[x + 4]}`;
      let g = groups.get(key);
      if (!g) {
        g = { row: x, tuples: new Set(), initiators: new Set(), acceptedOn: new Set(), packets: 0, bytes: 0 };
        groups.set(key, g);
      }
      g.tuples.add(`${r[x + 1]}|${r[x + 2]}`);
      g.initiators.add(r[x + 1]);
      for (const i of acceptedOn) g.acceptedOn.add(i);
      g.packets += r[x + R_PACKETS];
      g.bytes += r[x + R_BYTES];
    }
    const out: AsymmetricParts[] = [];
    for (const g of groups.values()) {
      const x = g.row;
      out.push({
          interfaceId: this.interfaces.names[r[x + R_IFACE]],
          rejectedSide: r[x + R_REPLIES] === 1 ? 'replies' : 'requests',
          dropDirection: r[x + R_OUTBOUND] === 1 ? 'outbound' : 'inbound',
          protocol: r[x],
          initiatorIps: [...g.initiators],
          targetIp: r[x + 3],
          targetPort: r[x + 4],
          connections: g.tuples.size,
          rejectedPackets: g.packets,
          rejectedBytes: g.bytes,
          acceptedOn: [...g.acceptedOn],
        });
    }
    return out;
  }
}

/** What an asymmetric finding is made of, however it was computed (this tracker, or SQL). */
export interface AsymmetricParts {
  interfaceId: string;
  rejectedSide: Side;
  dropDirection: Direction;
  protocol: number;
  /** Addresses as numbers, in any order. */
  initiatorIps: number[];
  targetIp: number;
  targetPort: number;
  connections: number;
  rejectedPackets: number;
  rejectedBytes: number;
  /** Interface ids, in any order, repeats allowed. */
  acceptedOn: string[];
}

/** The finding, with its lists sorted and its cause and message in words. */
export function asymmetricFinding(p: AsymmetricParts): AsymmetricFinding {
  const { interfaceId, rejectedSide: side, dropDirection, protocol, connections } = p;
  const initiatorIps = [...new Set(p.initiatorIps)].sort((a, b) => a - b).map(formatIpv4);
  const service = `${formatIpv4(p.targetIp)}:${p.targetPort} (${protocolName(protocol)})`;
  const who = initiatorIps.length <= 3 ? initiatorIps.join(', ') : `${initiatorIps.slice(0, 3).join(', ')} and ${initiatorIps.length - 3} more`;
  const likelyCause = `a network ACL on the subnet of interface ${interfaceId} (its ${dropDirection} rules)`;
  const what =
    side === 'replies'
      ? `Replies from ${service} to ${who} are rejected ${dropDirection} on interface ${interfaceId} while the requests are accepted`
      : `Requests from ${who} to ${service} are rejected ${dropDirection} on interface ${interfaceId} while the replies are accepted`;
  const rule =
    side === 'replies' && dropDirection === 'inbound' ? `an inbound rule for the replies (to the initiator's ephemeral ports)` : `an ${dropDirection} rule for the ${side}`;
  return {
    kind: 'asymmetric',
    interfaceId,
    rejectedSide: side,
    dropDirection,
    protocol,
    protocolName: protocolName(protocol),
    initiatorIps,
    targetIp: formatIpv4(p.targetIp),
    targetPort: p.targetPort,
    connections,
    rejectedPackets: p.rejectedPackets,
    rejectedBytes: p.rejectedBytes,
    acceptedOn: [...new Set(p.acceptedOn)].sort(),
    likelyCause,
    message:
      `${what} (${plural(connections, 'connection')}): ${likelyCause} probably drops the ${side}. ` +
      `Network ACLs are stateless, so that subnet needs ${rule}; security groups let the other direction of an accepted connection through by themselves.`,
  };
}

/** The report's order of asymmetric findings. */
export function sortAsymmetric(findings: AsymmetricFinding[]): AsymmetricFinding[] {
  return findings.sort(
    (p, q) =>
      cmp(p.interfaceId, q.interfaceId) ||
      cmp(p.rejectedSide, q.rejectedSide) ||
      cmp(p.dropDirection, q.dropDirection) ||
      p.protocol - q.protocol ||
      cmpIp(p.targetIp, q.targetIp) ||
      p.targetPort - q.targetPort,
  );
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const ipNum = (ip: string) => ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
const cmpIp = (a: string, b: string) => ipNum(a) - ipNum(b);
