/**
 * The analyzer: feed it documents (and the objects that failed), then ask for `report()`. Pure and incremental:
 * no I/O, and the report does not depend on the order of the documents. Memory grows with the distinct things
 * reported (interfaces, collectors, address pairs, rejected flows, one-way connections), not with the records read.
 */
import { AsymmetryTracker } from './asymmetry';
import type { ObjectErrorKind } from './decode';
import { isSkipData, formatProblem, type FlowLogDocument, type Problem } from './document';
import { protocolName } from './wording';
import { formatIpv4 } from './ipv4';
import type { CrnEncoding, FlowLogKey } from './keys';
import * as P from './packed';
import { DEFAULT_PORT_SCAN_THRESHOLD, DEFAULT_PORT_SCAN_WINDOW_SECONDS, PortScanTracker } from './portScan';
import { Interner, Table3 } from './tables';
import { TrafficTable } from './traffic';
import type { CollectorTotals, FlowLogReport, InterfaceTotals, ObjectFailure, ObjectWarning, RejectedGroup, Talker, Totals, TrafficTotals, VolumeReport } from './report';
import { formatRfc3339, parseRfc3339 } from './time';

/** What the analyzer needs to know about an object besides its document. */
export interface ObjectMeta {
  key: string;
  /** Stored (gzip) size in bytes. */
  size: number;
  /** Decompressed JSON size in bytes, when known. */
  jsonBytes?: number;
  /** The parsed key, when the key is in the documented layout. */
  parsedKey?: FlowLogKey;
  /** How that key spells its CRN levels. */
  keyEncoding?: CrnEncoding;
}

export interface AnalyzerOptions {
  /** N: distinct ports or hosts within the window that make a port scan. @default 20 */
  portScanThreshold?: number;
  /** @default 300 (one capture interval) */
  portScanWindowSeconds?: number;
  /** Interfaces that should have objects in the range; those that have none are reported. */
  expectedInterfaces?: ReadonlyArray<string | { id: string; name?: string }>;
  /** The range read (epoch ms or Date; `until` exclusive): the period for the 30-day projection. */
  since?: number | Date;
  until?: number | Date;
  /** Price per GB (10^9 bytes) stored, in any currency, for a projected cost; none when absent. */
  pricePerGb?: number;
  /** @default 10 */
  topTalkers?: number;
  /** How many rejected-flow groups to list (the total is always given). @default 50 */
  rejectedGroups?: number;
}

const DAY_MS = 86400_000;
const GB = 1e9;

const newTotals = (): Totals => ({ objects: 0, emptyObjects: 0, skipDataObjects: 0, flows: 0, accepted: 0, rejected: 0, bytes: 0, packets: 0 });

function addTotals(into: Totals, from: Totals): void {
  into.objects += from.objects;
  into.emptyObjects += from.emptyObjects;
  into.skipDataObjects += from.skipDataObjects;
  into.flows += from.flows;
  into.accepted += from.accepted;
  into.rejected += from.rejected;
  into.bytes += from.bytes;
  into.packets += from.packets;
}

/** Rejected-group entries: [first seen (order), flows, packets, bytes, first interface]. */
const G_ORDER = 0;
const G_FLOWS = 1;
const G_PACKETS = 2;
const G_BYTES = 3;
const G_IFACE = 4;

export class FlowLogAnalyzer {
  private readonly interfaces = new Map<string, InterfaceTotals & { collectorSet: Set<string> }>();
  private readonly collectors = new Map<string, CollectorTotals & { interfaceSet: Set<string>; storedBytes: number; jsonBytes: number }>();
  private readonly traffic = new TrafficTable();
  private readonly names = new Interner();
  private readonly vpcs = new Interner();
  /** Keyed by (initiator, target, port * 512 + protocol * 2 + outbound). */
  private readonly rejectedGroups = new Table3(5);
  /** Interfaces of rejected groups seen on more than one, by group order. */
  private readonly moreInterfaces = new Map<number, Set<number>>();
  private readonly asymmetry = new AsymmetryTracker(this.names);
  private readonly scans = new PortScanTracker(this.names);
  private readonly failures: ObjectFailure[] = [];
  private readonly warnings: ObjectWarning[] = [];
  private readonly keyEncodings = { urlEncoded: 0, raw: 0 };
  private readonly seenInterfaces = new Set<string>();
  private analyzed = 0;
  private records = 0;
  private captureStart = Infinity;
  private captureEnd = -Infinity;

  constructor(private readonly options: AnalyzerOptions = {}) {}

  /** One valid document and the object it came from. */
  add(meta: ObjectMeta, doc: FlowLogDocument): void {
    const { count, data } = P.packedRecordsOf(doc);
    const iface = doc.network_interface_id;
    const ifaceId = this.names.id(iface);
    const vpc = this.vpcs.id(doc.vpc_crn);
    this.seen(meta);
    this.seenInterfaces.add(iface);
    if (count !== doc.number_of_flow_logs) {
      this.warnings.push({ key: meta.key, message: countMismatch(doc.number_of_flow_logs, count) });
    }
    this.analyzed++;
    this.records += count;
    const start = parseRfc3339(doc.capture_start_time);
    const end = parseRfc3339(doc.capture_end_time);
    if (start !== undefined && start < this.captureStart) this.captureStart = start;
    if (end !== undefined && end > this.captureEnd) this.captureEnd = end;

    const traffic = this.traffic;
    let bytes = 0;
    let packets = 0;
    let rejected = 0;
    for (let i = 0, o = 0; i < count; i++, o += P.STRIDE) {
      const flags = data[o + P.F_FLAGS];
      const bi = data[o + P.F_BYTES_I];
      const pi = data[o + P.F_PACKETS_I];
      const bt = data[o + P.F_BYTES_T];
      const pt = data[o + P.F_PACKETS_T];
      bytes += bi + bt;
      packets += pi + pt;
      traffic.add(vpc, data[o + P.F_INITIATOR_IP], data[o + P.F_TARGET_IP], (flags & P.FLAG_OUTBOUND) !== 0, (flags & P.FLAG_REJECTED) === 0, bi + bt, pi + pt);
      const fromInitiator = pi > 0 || bi > 0;
      const fromTarget = pt > 0 || bt > 0;
      if (flags & P.FLAG_REJECTED) {
        rejected++;
        this.rejectedRecord(ifaceId, data, o, flags, fromInitiator, fromTarget);
      } else if (fromInitiator !== fromTarget) {
        this.asymmetry.addAcceptedOneWay(
          data[o + P.F_PROTOCOL],
          data[o + P.F_INITIATOR_IP],
          data[o + P.F_INITIATOR_PORT],
          data[o + P.F_TARGET_IP],
          data[o + P.F_TARGET_PORT],
          ifaceId,
          fromInitiator ? 'requests' : 'replies',
        );
      }
    }
    const t: Totals = {
      objects: 1,
      emptyObjects: count === 0 ? 1 : 0,
      skipDataObjects: isSkipData(doc.state) ? 1 : 0,
      flows: count,
      accepted: count - rejected,
      rejected,
      bytes,
      packets,
    };

    let it = this.interfaces.get(iface);
    if (!it) {
      it = { interfaceId: iface, instanceCrn: doc.instance_crn, vpcCrn: doc.vpc_crn, collectors: [], collectorSet: new Set(), ...newTotals() };
      this.interfaces.set(iface, it);
    }
    addTotals(it, t);
    it.collectorSet.add(doc.collector_crn);
    // The smallest, not the first seen: the report does not depend on the order of the objects.
    if (doc.instance_crn < it.instanceCrn) it.instanceCrn = doc.instance_crn;
    if (doc.vpc_crn < it.vpcCrn) it.vpcCrn = doc.vpc_crn;

    let c = this.collectors.get(doc.collector_crn);
    if (!c) {
      c = { collectorCrn: doc.collector_crn, interfaces: 0, interfaceSet: new Set(), storedBytes: 0, jsonBytes: 0, ...newTotals() };
      this.collectors.set(doc.collector_crn, c);
    }
    addTotals(c, t);
    c.interfaceSet.add(iface);
    c.storedBytes += meta.size;
    c.jsonBytes += meta.jsonBytes ?? 0;
  }

  private rejectedRecord(iface: number, data: Float64Array, o: number, flags: number, fromInitiator: boolean, fromTarget: boolean): void {
    const initiator = data[o + P.F_INITIATOR_IP];
    const target = data[o + P.F_TARGET_IP];
    const port = data[o + P.F_TARGET_PORT];
    const protocol = data[o + P.F_PROTOCOL];
    const outbound = (flags & P.FLAG_OUTBOUND) !== 0;
    const bytes = data[o + P.F_BYTES_I] + data[o + P.F_BYTES_T];
    const packets = data[o + P.F_PACKETS_I] + data[o + P.F_PACKETS_T];
    const groups = this.rejectedGroups;
    const slot = groups.slot(initiator, target, port * 512 + protocol * 2 + (outbound ? 1 : 0));
    const v = groups.values;
    const at = slot * groups.width;
    if (groups.created) {
      v[at + G_ORDER] = groups.size - 1;
      v[at + G_IFACE] = iface;
    } else if (v[at + G_IFACE] !== iface) {
      const order = v[at + G_ORDER];
      let more = this.moreInterfaces.get(order);
      if (!more) this.moreInterfaces.set(order, (more = new Set()));
      more.add(iface);
    }
    v[at + G_FLOWS] += 1;
    v[at + G_PACKETS] += packets;
    v[at + G_BYTES] += bytes;

    // Which traffic was rejected: rejected packets are logged apart by direction, so one side carries them.
    if (fromInitiator !== fromTarget) {
      const side = fromInitiator ? 'requests' : 'replies';
      this.asymmetry.addRejected(protocol, initiator, data[o + P.F_INITIATOR_PORT], target, port, iface, side, outbound, packets, bytes);
    }
    if (!fromTarget || fromInitiator) this.scans.add(initiator, data[o + P.F_START], target, port, protocol, iface);
  }

  /** An object that could not be read or decoded; it is listed with its problems. */
  addFailure(meta: ObjectMeta, kind: ObjectErrorKind, problems: readonly Problem[]): void {
    this.seen(meta);
    const first = problems.length > 0 ? formatProblem(problems[0]) : 'unknown problem';
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    this.failures.push({ key: meta.key, kind, problems: [...problems], message: `${first}${more}` });
  }

  /** Either of the above, from what the readers yield. */
  addObject(o: ObjectMeta & { document?: FlowLogDocument; errorKind?: ObjectErrorKind; problems?: readonly Problem[] }): void {
    if (o.document) this.add(o, o.document);
    else this.addFailure(o, o.errorKind ?? 'document', o.problems ?? []);
  }

  /** What any object read tells by its key: its interface was logged, and how the key spells CRNs. */
  private seen(meta: ObjectMeta): void {
    if (meta.parsedKey) this.seenInterfaces.add(meta.parsedKey.interfaceId);
    if (meta.keyEncoding === 'raw') this.keyEncodings.raw++;
    else if (meta.keyEncoding === 'url-encoded') this.keyEncodings.urlEncoded++;
  }

  report(): FlowLogReport {
    const opts = this.options;
    const interfaces = [...this.interfaces.values()]
      .sort((a, b) => cmp(a.interfaceId, b.interfaceId))
      .map(({ collectorSet, ...rest }) => ({ ...rest, collectors: [...collectorSet].sort() }));
    const collectors = [...this.collectors.values()]
      .sort((a, b) => cmp(a.collectorCrn, b.collectorCrn))
      .map(({ interfaceSet, storedBytes: _s, jsonBytes: _j, ...rest }) => ({ ...rest, interfaces: interfaceSet.size }));
    const totals = newTotals();
    for (const c of collectors) addTotals(totals, c);
    const traffic = this.trafficTotals();

    const groups = this.rejectedGroupList(opts.rejectedGroups ?? 50);

    const expected = (opts.expectedInterfaces ?? []).map((e) => (typeof e === 'string' ? { id: e } : { ...e }));
    const silentInterfaces = expected.filter((e) => !this.seenInterfaces.has(e.id)).sort((a, b) => cmp(a.id, b.id));

    return {
      objects: {
        analyzed: this.analyzed,
        failed: this.failures.length,
        empty: totals.emptyObjects,
        skipData: totals.skipDataObjects,
        records: this.records,
        warned: this.warnings.length,
        keyEncodings: { ...this.keyEncodings },
      },
      failures: [...this.failures].sort((a, b) => cmp(a.key, b.key)),
      warnings: [...this.warnings].sort((a, b) => cmp(a.key, b.key) || cmp(a.message, b.message)),
      totals: traffic.totals,
      interfaces,
      collectors,
      topTalkers: traffic.top,
      rejected: { groups, totalGroups: this.rejectedGroups.size },
      findings: {
        asymmetric: this.asymmetry.findings(),
        portScans: this.scans.findings(opts.portScanThreshold ?? DEFAULT_PORT_SCAN_THRESHOLD, opts.portScanWindowSeconds ?? DEFAULT_PORT_SCAN_WINDOW_SECONDS),
      },
      silentInterfaces,
      volume: this.volume(traffic.totals.bytes),
    };
  }

  /** Traffic counted once per pair, and the pairs with the most bytes (per address pair, over VPCs). */
  private trafficTotals(): { totals: TrafficTotals; top: Talker[] } {
    const totals: TrafficTotals = { flows: 0, accepted: 0, rejected: 0, bytes: 0, packets: 0, bothEnds: { pairs: 0, flows: 0, bytes: 0, packets: 0 } };
    const byPair = new Map<string, Talker & { i: number; t: number }>();
    for (const p of this.traffic.pairs()) {
      totals.flows += p.flows;
      totals.accepted += p.accepted;
      totals.rejected += p.flows - p.accepted;
      totals.bytes += p.bytes;
      totals.packets += p.packets;
      if (p.bothEnds) {
        totals.bothEnds.pairs++;
        totals.bothEnds.flows += p.notCounted.flows;
        totals.bothEnds.bytes += p.notCounted.bytes;
        totals.bothEnds.packets += p.notCounted.packets;
      }
      // The same addresses in two VPCs are one row of top talkers.
      const key = `${p.initiator}>${p.target}`;
      const entry = byPair.get(key);
      if (entry) {
        entry.bytes += p.bytes;
        entry.packets += p.packets;
        entry.flows += p.flows;
      } else {
        byPair.set(key, { i: p.initiator, t: p.target, initiatorIp: '', targetIp: '', bytes: p.bytes, packets: p.packets, flows: p.flows });
      }
    }
    const limit = this.options.topTalkers ?? 10;
    const top = [...byPair.values()]
      .sort((x, y) => y.bytes - x.bytes || y.packets - x.packets || x.i - y.i || x.t - y.t)
      .slice(0, limit)
      .map((p) => ({ initiatorIp: formatIpv4(p.i), targetIp: formatIpv4(p.t), bytes: p.bytes, packets: p.packets, flows: p.flows }));
    return { totals, top };
  }

  /** The `limit` rejected groups with the most flows (then packets, initiator, target, port, protocol, direction). */
  private rejectedGroupList(limit: number): RejectedGroup[] {
    const t = this.rejectedGroups;
    const w = t.width;
    const v = t.values;
    const slots = [...t.slots()];
    const third = (s: number) => t.key(s, 2);
    slots.sort(
      (a, b) =>
        v[b * w + G_FLOWS] - v[a * w + G_FLOWS] ||
        v[b * w + G_PACKETS] - v[a * w + G_PACKETS] ||
        t.key(a, 0) - t.key(b, 0) ||
        t.key(a, 1) - t.key(b, 1) ||
        third(a) - third(b),
    );
    return slots.slice(0, limit).map((s) => {
      const code = third(s);
      const protocol = (code >>> 1) & 255;
      const interfaces = new Set([v[s * w + G_IFACE], ...(this.moreInterfaces.get(v[s * w + G_ORDER]) ?? [])]);
      return {
        initiatorIp: formatIpv4(t.key(s, 0)),
        targetIp: formatIpv4(t.key(s, 1)),
        targetPort: Math.floor(code / 512),
        protocol,
        protocolName: protocolName(protocol),
        direction: code & 1 ? ('outbound' as const) : ('inbound' as const),
        flows: v[s * w + G_FLOWS],
        packets: v[s * w + G_PACKETS],
        bytes: v[s * w + G_BYTES],
        interfaces: [...interfaces].map((i) => this.names.names[i]).sort(),
      };
    });
  }

  private volume(trafficBytes: number): VolumeReport {
    const opts = this.options;
    const ms = (t: number | Date | undefined) => (t instanceof Date ? t.getTime() : t);
    let start: number | undefined = ms(opts.since);
    let end: number | undefined = ms(opts.until);
    let periodSource: VolumeReport['periodSource'] = 'range';
    if (start === undefined || end === undefined) {
      if (this.captureEnd > this.captureStart) {
        start = start ?? this.captureStart;
        end = end ?? this.captureEnd;
        periodSource = 'capture windows';
      } else {
        start = end = undefined;
        periodSource = 'none';
      }
    }
    const periodMs = start !== undefined && end !== undefined && end > start ? end - start : 0;
    if (periodMs === 0) periodSource = 'none';
    const scale = periodMs > 0 ? (30 * DAY_MS) / periodMs : undefined;
    const price = opts.pricePerGb;
    return {
      ...(periodMs > 0 ? { periodStart: formatRfc3339(start!), periodEnd: formatRfc3339(end!) } : {}),
      periodSeconds: periodMs / 1000,
      periodSource,
      basis: VOLUME_BASIS,
      ...(price !== undefined ? { pricePerGb: price } : {}),
      trafficBytes,
      ...(scale !== undefined ? { projected30DayTrafficBytes: Math.round(trafficBytes * scale) } : {}),
      collectors: [...this.collectors.values()]
        .sort((a, b) => cmp(a.collectorCrn, b.collectorCrn))
        .map((c) => ({
          collectorCrn: c.collectorCrn,
          objects: c.objects,
          storedBytes: c.storedBytes,
          jsonBytes: c.jsonBytes,
          ...(scale !== undefined
            ? {
                projected30DayStoredBytes: Math.round(c.storedBytes * scale),
                projected30DayJsonBytes: Math.round(c.jsonBytes * scale),
                ...(price !== undefined ? { projected30DayCost: round6(((c.storedBytes * scale) / GB) * price) } : {}),
              }
            : {}),
        })),
    };
  }
}

/** The volume section's note on what it counts. */
export const VOLUME_BASIS =
  'storedBytes: the gzip objects as stored in the bucket (what each collector wrote; a connection logged at both of its ends is stored, ' +
  'and billed, in both interfaces\' objects); jsonBytes: their decompressed JSON; trafficBytes: the bytes of the flows, a pair of ' +
  'addresses logged at both ends counted once. The 30-day projection scales the period linearly; the cost uses stored GB (10^9 bytes) ' +
  'times the price given.';

/** The warning for an object whose header miscounts its records (IBM's own sample object does). */
export function countMismatch(declared: number, actual: number): string {
  return `number_of_flow_logs is ${declared} but flow_logs has ${actual} record${actual === 1 ? '' : 's'}; the ${actual} records were analyzed`;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
