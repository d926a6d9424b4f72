import { rfc3339, type FlowLogRecord } from './flowLogFormat';
import type { LoggedInterface } from './flowLogRouting';
import { SeededRandom } from './seededRandom';
import { hasBackground, type TrafficSetting } from './trafficSettings';

/**
 * The traffic an interface sees in one capture window, as flow-log records. Deterministic: every connection comes from
 * a random source seeded by the interface id (or, for traffic between two interfaces, both ids) and the window start,
 * so a window always yields the same records, and both ends of a connection between two logged interfaces generate
 * it from the same seed (same IPs, ports, times and counters; only `direction` differs).
 *
 * - background (scenario `normal`, and the others unless `background: false`): web clients (TCP 443/80 from a few
 *   addresses in 198.51.100.0/24) into the interface, DNS queries (UDP 53) to 161.26.0.10, and one TCP 443 connection
 *   to the next interface of the same VPC that also has background traffic (ordered by id, wrapping around), so every
 *   such interface also receives one from the one before it.
 * - `nacl-drops-replies` (use case 2): clients in 192.0.2.0/24 open TCP connections to `port`; the requests are
 *   accepted in, the replies are dropped on the way out by a network ACL. Each connection yields two records with the
 *   same initiator/target: `accepted` with only initiator→target counters (the SYN retransmissions) and `rejected` with
 *   only target→initiator counters (the SYN-ACKs the ACL dropped). Both have direction `I`: direction says who sent the
 *   connection's first packet, not which way the dropped packets went.
 * - `port-scan` (use case 3): one initiator (`scanner`) sends one SYN to each of `ports` distinct TCP ports of the
 *   interface within a minute, all rejected by the security group (direction `I`, 44-byte packets, nothing back). The
 *   ports the background traffic serves (80, 443) are not probed.
 * - `none`: nothing; the writer still writes empty objects.
 *
 * A connection may outlive its window: it then ends in the next window, whose record has `was_initiated: false`, the
 * same `connection_start_time` and cumulative counters that add both windows. Every other connection ends in its
 * window (`was_terminated: true`; for dropped replies and probes, the client gives up within the window). Windows are
 * generated from the current settings and topology, the previous window included.
 */

interface Counts {
  bytesFromInitiator: number;
  packetsFromInitiator: number;
  bytesFromTarget: number;
  packetsFromTarget: number;
}

interface Connection {
  initiatorIp: string;
  targetIp: string;
  initiatorPort: number;
  targetPort: number;
  protocol: 6 | 17;
  action: 'accepted' | 'rejected';
  /** First byte of the connection, and the end of its part in the window it started in (ms). */
  start: number;
  end: number;
  counts: Counts;
  /** Its part in the next window, when it lasts past this one. */
  next?: { start: number; end: number; counts: Counts };
}

/** A connection as one interface sees it. */
interface Seen {
  conn: Connection;
  direction: 'I' | 'O';
}

export interface Window {
  start: number;
  end: number;
}

/** Interfaces of the same VPC this one exchanges background traffic with. */
export interface Peers {
  to?: LoggedInterface;
  from: LoggedInterface[];
}

const S = 1000;
const DNS_RESOLVER = '161.26.0.10';
/** Ports a port scan probes first (a scanner's usual list); the rest are drawn from 1–10000. */
const WELL_KNOWN = [21, 22, 23, 25, 53, 110, 111, 135, 139, 143, 445, 465, 587, 993, 995, 1433, 1521, 1723, 2049, 2375, 3000, 3306, 3389, 5000, 5432, 5900, 5985, 6379, 8000, 8080, 8443, 8888, 9000, 9090, 9200, 9300, 11211, 27017];
const OPEN_PORTS = new Set([80, 443]);

function ephemeral(r: SeededRandom): number {
  return r.int(49152, 65535);
}

function clientIps(prefix: string, seed: string, count: number): string[] {
  const r = new SeededRandom(seed);
  const used = new Set<number>();
  while (used.size < count) used.add(r.int(10, 250));
  return [...used].map((n) => `${prefix}.${n}`);
}

function tcpCounts(r: SeededRandom, big: boolean): Counts {
  const packetsFromInitiator = r.int(4, 20);
  const packetsFromTarget = big ? r.int(8, 120) : r.int(4, 20);
  return {
    packetsFromInitiator,
    bytesFromInitiator: packetsFromInitiator * r.int(60, 400),
    packetsFromTarget,
    bytesFromTarget: packetsFromTarget * r.int(big ? 400 : 60, big ? 1448 : 600),
  };
}

/** A TCP connection that starts in the window, sometimes lasting into the next one. */
function tcp(r: SeededRandom, w: Window, ends: Omit<Connection, 'protocol' | 'action' | 'start' | 'end' | 'counts' | 'next'>, big: boolean, carryOver: number): Connection {
  const start = w.start + r.int(0, 280) * S;
  const continues = r.chance(carryOver);
  const end = continues ? Math.max(start, w.end - r.int(0, 10) * S) : Math.min(w.end, start + r.int(0, 20) * S);
  const counts = tcpCounts(r, big);
  const conn: Connection = { ...ends, protocol: 6, action: 'accepted', start, end, counts };
  if (continues) {
    const nextStart = w.end + r.int(0, 10) * S;
    conn.next = { start: nextStart, end: nextStart + r.int(1, 120) * S, counts: tcpCounts(r, big) };
  }
  return conn;
}

function background(i: LoggedInterface, s: TrafficSetting, w: Window, peers: Peers): Seen[] {
  const seen: Seen[] = [];
  const clients = clientIps('198.51.100', `${i.id}|web-clients`, s.scenario === 'normal' ? s.clients : 3);
  const web = new SeededRandom(`${i.id}|${w.start}|web`);
  for (const client of clients) {
    for (let k = web.int(1, 2); k > 0; k--) {
      const targetPort = web.chance(0.8) ? 443 : 80;
      seen.push({ direction: 'I', conn: tcp(web, w, { initiatorIp: client, initiatorPort: ephemeral(web), targetIp: i.ip, targetPort }, true, 0.25) });
    }
  }
  const dns = new SeededRandom(`${i.id}|${w.start}|dns`);
  for (let k = dns.int(1, 3); k > 0; k--) {
    const start = w.start + dns.int(0, 298) * S;
    const packets = dns.int(1, 2);
    const counts = { packetsFromInitiator: packets, bytesFromInitiator: packets * dns.int(60, 90), packetsFromTarget: packets, bytesFromTarget: packets * dns.int(90, 300) };
    const conn: Connection = { initiatorIp: i.ip, initiatorPort: dns.int(32768, 60999), targetIp: DNS_RESOLVER, targetPort: 53, protocol: 17, action: 'accepted', start, end: start + dns.int(0, 1) * S, counts };
    seen.push({ direction: 'O', conn });
  }
  if (peers.to) seen.push({ direction: 'O', conn: peerConnection(i, peers.to, w) });
  for (const from of peers.from) seen.push({ direction: 'I', conn: peerConnection(from, i, w) });
  return seen;
}

/** One TCP 443 connection from `a` to `b`: seeded by both ids, so both ends generate the same one. */
function peerConnection(a: LoggedInterface, b: LoggedInterface, w: Window): Connection {
  const r = new SeededRandom(`${a.id}>${b.id}|${w.start}|peer`);
  return tcp(r, w, { initiatorIp: a.ip, initiatorPort: r.int(32768, 60999), targetIp: b.ip, targetPort: 443 }, false, 0.5);
}

function droppedReplies(i: LoggedInterface, s: Extract<TrafficSetting, { scenario: 'nacl-drops-replies' }>, w: Window): Seen[] {
  const seen: Seen[] = [];
  const r = new SeededRandom(`${i.id}|${w.start}|nacl`);
  for (const client of clientIps('192.0.2', `${i.id}|nacl-clients`, s.clients)) {
    for (let k = 0; k < s.connections; k++) {
      const start = w.start + r.int(0, 240) * S;
      const end = Math.min(w.end, start + r.int(3, 60) * S);
      const syns = r.int(3, 6);
      const ends = { initiatorIp: client, initiatorPort: ephemeral(r), targetIp: i.ip, targetPort: s.port, protocol: 6 as const, start, end };
      const none = { bytesFromInitiator: 0, packetsFromInitiator: 0, bytesFromTarget: 0, packetsFromTarget: 0 };
      seen.push({ direction: 'I', conn: { ...ends, action: 'accepted', counts: { ...none, bytesFromInitiator: 60 * syns, packetsFromInitiator: syns } } });
      seen.push({ direction: 'I', conn: { ...ends, action: 'rejected', counts: { ...none, bytesFromTarget: 60 * syns, packetsFromTarget: syns } } });
    }
  }
  return seen;
}

/** The ports a scan probes: the well-known list, then distinct seeded picks from 1–10000; never 80 or 443. */
export function scannedPorts(count: number, seed: string): number[] {
  const ports = new Set(WELL_KNOWN.slice(0, count));
  const r = new SeededRandom(seed);
  while (ports.size < count) {
    const p = r.int(1, 10000);
    if (!OPEN_PORTS.has(p)) ports.add(p);
  }
  return [...ports].sort((a, b) => a - b);
}

function portScan(i: LoggedInterface, s: Extract<TrafficSetting, { scenario: 'port-scan' }>, w: Window): Seen[] {
  const r = new SeededRandom(`${i.id}|${w.start}|scan`);
  const sourcePort = r.int(40000, 65000);
  const begin = w.start + r.int(0, 200) * S;
  const spread = r.int(5, 60);
  const ports = scannedPorts(s.ports, `${i.id}|${w.start}|scan-ports`);
  return ports.map((targetPort, k) => {
    const at = begin + Math.floor((k * spread) / ports.length) * S;
    const counts = { bytesFromInitiator: 44, packetsFromInitiator: 1, bytesFromTarget: 0, packetsFromTarget: 0 };
    return { direction: 'I' as const, conn: { initiatorIp: s.scanner, initiatorPort: sourcePort, targetIp: i.ip, targetPort, protocol: 6 as const, action: 'rejected' as const, start: at, end: at, counts } };
  });
}

/** Every connection that starts in the window, as the interface sees it. */
function startingIn(i: LoggedInterface, s: TrafficSetting, w: Window, peers: Peers): Seen[] {
  const seen = hasBackground(s) ? background(i, s, w, peers) : [];
  if (s.scenario === 'nacl-drops-replies') seen.push(...droppedReplies(i, s, w));
  if (s.scenario === 'port-scan') seen.push(...portScan(i, s, w));
  return seen;
}

function record(direction: 'I' | 'O', c: Connection, part: { start: number; end: number; counts: Counts }, initiated: boolean, terminated: boolean, cumulative: Counts): FlowLogRecord {
  return {
    start_time: rfc3339(part.start),
    end_time: rfc3339(part.end),
    connection_start_time: rfc3339(c.start),
    direction,
    action: c.action,
    initiator_ip: c.initiatorIp,
    target_ip: c.targetIp,
    initiator_port: c.initiatorPort,
    target_port: c.targetPort,
    transport_protocol: c.protocol,
    ether_type: 'IPv4',
    was_initiated: initiated,
    was_terminated: terminated,
    bytes_from_initiator: part.counts.bytesFromInitiator,
    packets_from_initiator: part.counts.packetsFromInitiator,
    bytes_from_target: part.counts.bytesFromTarget,
    packets_from_target: part.counts.packetsFromTarget,
    cumulative_bytes_from_initiator: cumulative.bytesFromInitiator,
    cumulative_packets_from_initiator: cumulative.packetsFromInitiator,
    cumulative_bytes_from_target: cumulative.bytesFromTarget,
    cumulative_packets_from_target: cumulative.packetsFromTarget,
  };
}

const add = (a: Counts, b: Counts): Counts => ({
  bytesFromInitiator: a.bytesFromInitiator + b.bytesFromInitiator,
  packetsFromInitiator: a.packetsFromInitiator + b.packetsFromInitiator,
  bytesFromTarget: a.bytesFromTarget + b.bytesFromTarget,
  packetsFromTarget: a.packetsFromTarget + b.packetsFromTarget,
});

function order(a: FlowLogRecord, b: FlowLogRecord): number {
  return (
    a.start_time.localeCompare(b.start_time) ||
    a.initiator_ip.localeCompare(b.initiator_ip) ||
    a.initiator_port - b.initiator_port ||
    a.target_ip.localeCompare(b.target_ip) ||
    a.target_port - b.target_port ||
    a.action.localeCompare(b.action)
  );
}

/** The window's records for one interface: direction `I` goes to the ingress object, `O` to the egress one. */
export function recordsFor(i: LoggedInterface, s: TrafficSetting, w: Window, peers: Peers): { ingress: FlowLogRecord[]; egress: FlowLogRecord[] } {
  const out: FlowLogRecord[] = [];
  for (const { conn, direction } of startingIn(i, s, w, peers)) {
    out.push(record(direction, conn, conn, true, conn.next === undefined, conn.counts));
  }
  const previous = { start: w.start - (w.end - w.start), end: w.start };
  for (const { conn, direction } of startingIn(i, s, previous, peers)) {
    if (conn.next) out.push(record(direction, conn, conn.next, false, true, add(conn.counts, conn.next.counts)));
  }
  out.sort(order);
  return { ingress: out.filter((r) => r.direction === 'I'), egress: out.filter((r) => r.direction === 'O') };
}
