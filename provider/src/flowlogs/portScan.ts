/**
 * Port scans (use case 3): an initiator rejected on at least `threshold` distinct target ports, or distinct target
 * hosts, within `windowSeconds`. Keeps one small entry per rejected request; decides in `findings()`, so the
 * result does not depend on the order in which records arrive.
 */
import { duration, numberRanges, plural, protocolName } from './wording';
import { formatIpv4 } from './ipv4';
import type { PortScanFinding } from './report';
import { Interner } from './tables';
import { formatRfc3339 } from './time';

const FIELDS = 5; // initiator, time, target, port, protocol

export const DEFAULT_PORT_SCAN_THRESHOLD = 20;
export const DEFAULT_PORT_SCAN_WINDOW_SECONDS = 300;

export class PortScanTracker {
  private events = new Float64Array(FIELDS * 256);
  private interfaceOf = new Int32Array(256);
  private count = 0;

  constructor(private readonly interfaces: Interner) {}

  /** One rejected record whose rejected traffic came from the initiator (a probe). */
  add(initiatorIp: number, timeMs: number, targetIp: number, targetPort: number, protocol: number, iface: number): void {
    if (this.count === this.interfaceOf.length) {
      const events = new Float64Array(this.events.length * 2);
      events.set(this.events);
      this.events = events;
      const interfaceOf = new Int32Array(this.interfaceOf.length * 2);
      interfaceOf.set(this.interfaceOf);
      this.interfaceOf = interfaceOf;
    }
    const o = this.count * FIELDS;
    this.events[o] = initiatorIp;
    this.events[o + 1] = timeMs;
    this.events[o + 2] = targetIp;
    this.events[o + 3] = targetPort;
    this.events[o + 4] = protocol;
    this.interfaceOf[this.count] = iface;
    this.count++;
  }

  /** The parts of the findings over the threshold (see `portScanFinding`), ascending by initiator. */
  parts(threshold = DEFAULT_PORT_SCAN_THRESHOLD, windowSeconds = DEFAULT_PORT_SCAN_WINDOW_SECONDS): PortScanParts[] {
    const ev = this.events;
    const order = Array.from({ length: this.count }, (_, i) => i);
    order.sort((a, b) => ev[a * FIELDS] - ev[b * FIELDS] || ev[a * FIELDS + 1] - ev[b * FIELDS + 1] || ev[a * FIELDS + 2] - ev[b * FIELDS + 2] || ev[a * FIELDS + 3] - ev[b * FIELDS + 3]);
    const windowMs = windowSeconds * 1000;
    const out: PortScanParts[] = [];
    for (let start = 0; start < order.length; ) {
      const initiator = ev[order[start] * FIELDS];
      let end = start;
      while (end < order.length && ev[order[end] * FIELDS] === initiator) end++;
      const finding = this.scanOf(order.slice(start, end), threshold, windowMs, windowSeconds);
      if (finding) out.push(finding);
      start = end;
    }
    return out; // ascending by initiator address
  }

  private scanOf(idx: number[], threshold: number, windowMs: number, windowSeconds: number): PortScanParts | undefined {
    const ev = this.events;
    const time = (k: number) => ev[idx[k] * FIELDS + 1];
    const ports = new Map<number, number>();
    const hosts = new Map<number, number>();
    const bump = (m: Map<number, number>, key: number, by: number) => {
      const n = (m.get(key) ?? 0) + by;
      if (n === 0) m.delete(key);
      else m.set(key, n);
    };
    let maxPorts = 0;
    let maxHosts = 0;
    let bestStart = time(0);
    let bestEnd = time(0);
    for (let l = 0, r = 0; r < idx.length; r++) {
      bump(ports, ev[idx[r] * FIELDS + 3], 1);
      bump(hosts, ev[idx[r] * FIELDS + 2], 1);
      while (time(r) - time(l) >= windowMs) {
        bump(ports, ev[idx[l] * FIELDS + 3], -1);
        bump(hosts, ev[idx[l] * FIELDS + 2], -1);
        l++;
      }
      if (ports.size > maxPorts) {
        maxPorts = ports.size;
        bestStart = time(l);
        bestEnd = time(r);
      }
      if (hosts.size > maxHosts) maxHosts = hosts.size;
    }
    if (maxPorts < threshold && maxHosts < threshold) return undefined;
    return {
      initiatorIp: ev[idx[0] * FIELDS],
      ports: idx.map((i) => ev[i * FIELDS + 3]),
      targets: idx.map((i) => ev[i * FIELDS + 2]),
      protocols: idx.map((i) => ev[i * FIELDS + 4]),
      rejectedFlows: idx.length,
      maxPortsInWindow: maxPorts,
      maxHostsInWindow: maxHosts,
      windowStartMs: bestStart,
      windowEndMs: bestEnd,
      windowSeconds,
      threshold,
      interfaces: idx.map((i) => this.interfaces.names[this.interfaceOf[i]]),
    };
  }
}

/** What a port-scan finding is made of, however it was computed (this tracker, or SQL). Lists in any order. */
export interface PortScanParts {
  initiatorIp: number;
  ports: number[];
  targets: number[];
  protocols: number[];
  rejectedFlows: number;
  maxPortsInWindow: number;
  maxHostsInWindow: number;
  windowStartMs: number;
  windowEndMs: number;
  windowSeconds: number;
  threshold: number;
  interfaces: string[];
}

/** The finding, with its lists distinct and sorted and its message in words. */
export function portScanFinding(p: PortScanParts): PortScanFinding {
  const distinct = (values: number[]) => [...new Set(values)].sort((a, b) => a - b);
  const allPorts = distinct(p.ports);
  const allTargets = distinct(p.targets);
  const initiatorIp = formatIpv4(p.initiatorIp);
  const { maxPortsInWindow: maxPorts, maxHostsInWindow: maxHosts, windowSeconds, threshold } = p;
  return {
    kind: 'port-scan',
    initiatorIp,
    ports: allPorts,
    targets: allTargets.map(formatIpv4),
    protocols: distinct(p.protocols).map(protocolName),
    rejectedFlows: p.rejectedFlows,
    maxPortsInWindow: maxPorts,
    maxHostsInWindow: maxHosts,
    windowStart: formatRfc3339(p.windowStartMs),
    windowEnd: formatRfc3339(p.windowEndMs),
    windowSeconds,
    threshold,
    interfaces: [...new Set(p.interfaces)].sort(),
    message:
      `${initiatorIp} was rejected on ${plural(allPorts.length, 'distinct port')} (${numberRanges(allPorts)}) of ${plural(allTargets.length, 'host')} ` +
      `(${plural(p.rejectedFlows, 'rejected flow')}; up to ${plural(maxPorts, 'port')} and ${plural(maxHosts, 'host')} within ${duration(windowSeconds)}, ` +
      `threshold ${threshold}): probably a port scan from ${initiatorIp}.`,
  };
}
