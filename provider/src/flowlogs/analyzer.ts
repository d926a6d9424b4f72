/**
 * The analyzer: feed it documents (and the objects that failed), then ask for `report()`. Pure and incremental:
 * no I/O, and the report does not depend on the order of the documents. Memory grows with the distinct things
 * reported (interfaces, collectors, address pairs, rejected flows, one-way connections), not with the records read.
 */
import { buildReport, DEFAULT_REJECTED_GROUPS, DEFAULT_TOP_TALKERS, type AnalysisParts, type ReportOptions } from './assemble';
import { AsymmetryTracker } from './asymmetry';
import type { ObjectErrorKind } from './decode';
import { isSkipData, type FlowLogDocument, type Problem } from './document';
import type { CrnEncoding, FlowLogKey } from './keys';
import * as P from './packed';
import { DEFAULT_PORT_SCAN_THRESHOLD, DEFAULT_PORT_SCAN_WINDOW_SECONDS, PortScanTracker } from './portScan';
import { Interner, Table3 } from './tables';
import { TrafficTable } from './traffic';
import type { CollectorTotals, FlowLogReport, InterfaceTotals, Totals, TrafficTotals } from './report';
import { parseRfc3339 } from './time';

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

/** The analyzer's options: those of the report (see assemble.ts). */
export type AnalyzerOptions = ReportOptions;

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
  private readonly collectors = new Map<string, Omit<CollectorTotals, 'interfaces'> & { interfaceSet: Set<string>; storedBytes: number; jsonBytes: number }>();
  private readonly traffic = new TrafficTable();
  private readonly names = new Interner();
  private readonly vpcs = new Interner();
  /** Keyed by (initiator, target, port * 512 + protocol * 2 + outbound). */
  private readonly rejectedGroups = new Table3(5);
  /** Interfaces of rejected groups seen on more than one, by group order. */
  private readonly moreInterfaces = new Map<number, Set<number>>();
  private readonly asymmetry = new AsymmetryTracker(this.names);
  private readonly scans = new PortScanTracker(this.names);
  private readonly failures: AnalysisParts['failures'] = [];
  private readonly miscounted: AnalysisParts['miscounted'] = [];
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
    if (count !== doc.number_of_flow_logs) this.miscounted.push({ key: meta.key, declared: doc.number_of_flow_logs, actual: count });
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
      c = { collectorCrn: doc.collector_crn, interfaceSet: new Set(), storedBytes: 0, jsonBytes: 0, ...newTotals() };
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
    this.failures.push({ key: meta.key, kind, problems: [...problems] });
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
    return buildReport(this.parts(), this.options);
  }

  /** What the report is made of (see assemble.ts). */
  parts(): AnalysisParts {
    const opts = this.options;
    const interfaces = [...this.interfaces.values()].map(({ collectorSet, ...rest }) => ({ ...rest, collectors: [...collectorSet] }));
    const collectors = [...this.collectors.values()].map(({ interfaceSet, ...rest }) => ({ ...rest, interfaces: interfaceSet.size }));
    const traffic = this.trafficTotals();
    const expected = (opts.expectedInterfaces ?? []).map((e) => (typeof e === 'string' ? e : e.id));
    return {
      analyzed: this.analyzed,
      records: this.records,
      keyEncodings: { ...this.keyEncodings },
      failures: this.failures,
      miscounted: this.miscounted,
      interfaces,
      collectors,
      totals: traffic.totals,
      topTalkers: traffic.top,
      rejectedGroups: this.rejectedGroupList(opts.rejectedGroups ?? DEFAULT_REJECTED_GROUPS),
      totalRejectedGroups: this.rejectedGroups.size,
      asymmetric: this.asymmetry.parts(),
      portScans: this.scans.parts(opts.portScanThreshold ?? DEFAULT_PORT_SCAN_THRESHOLD, opts.portScanWindowSeconds ?? DEFAULT_PORT_SCAN_WINDOW_SECONDS),
      silentInterfaceIds: expected.filter((id) => !this.seenInterfaces.has(id)),
      ...(this.captureEnd >= this.captureStart ? { captureStart: this.captureStart, captureEnd: this.captureEnd } : {}),
    };
  }

  /** Traffic counted once per pair, and the pairs with the most bytes (per address pair, over VPCs). */
  private trafficTotals(): { totals: TrafficTotals; top: AnalysisParts['topTalkers'] } {
    const totals: TrafficTotals = { flows: 0, accepted: 0, rejected: 0, bytes: 0, packets: 0, bothEnds: { pairs: 0, flows: 0, bytes: 0, packets: 0 } };
    const byPair = new Map<string, AnalysisParts['topTalkers'][number]>();
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
        byPair.set(key, { initiator: p.initiator, target: p.target, bytes: p.bytes, packets: p.packets, flows: p.flows });
      }
    }
    const top = [...byPair.values()]
      .sort((x, y) => y.bytes - x.bytes || y.packets - x.packets || x.initiator - y.initiator || x.target - y.target)
      .slice(0, this.options.topTalkers ?? DEFAULT_TOP_TALKERS);
    return { totals, top };
  }

  /** The `limit` rejected groups with the most flows (then packets, initiator, target, port, protocol, direction). */
  private rejectedGroupList(limit: number): AnalysisParts['rejectedGroups'] {
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
      const interfaces = new Set([v[s * w + G_IFACE], ...(this.moreInterfaces.get(v[s * w + G_ORDER]) ?? [])]);
      return {
        initiator: t.key(s, 0),
        target: t.key(s, 1),
        targetPort: Math.floor(code / 512),
        protocol: (code >>> 1) & 255,
        outbound: (code & 1) === 1,
        flows: v[s * w + G_FLOWS],
        packets: v[s * w + G_PACKETS],
        bytes: v[s * w + G_BYTES],
        interfaces: [...interfaces].map((i) => this.names.names[i]),
      };
    });
  }
}

