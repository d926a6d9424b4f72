/** What `FlowLogAnalyzer.report()` returns: plain JSON-ready data, every list in a fixed order. */
import type { ObjectErrorKind } from './decode';
import type { Problem } from './document';

/** Counts over records (`flows`: flow-log records; `bytes` and `packets`: both directions, per-window counters). */
export interface Totals {
  objects: number;
  /** Objects without records (no traffic in their interval). */
  emptyObjects: number;
  /** Objects whose state is `skip data`: the service lost flow data in that interval. */
  skipDataObjects: number;
  flows: number;
  accepted: number;
  rejected: number;
  bytes: number;
  packets: number;
}

export interface InterfaceTotals extends Totals {
  interfaceId: string;
  instanceCrn: string;
  vpcCrn: string;
  /** The collectors whose objects named this interface (more than one when the winning collector changed). */
  collectors: string[];
}

export interface CollectorTotals extends Totals {
  collectorCrn: string;
  interfaces: number;
}

/** An address pair by bytes (both directions). A pair logged at both of its ends counts once (see `TrafficTotals`). */
export interface Talker {
  initiatorIp: string;
  targetIp: string;
  bytes: number;
  packets: number;
  flows: number;
}

/** Rejected flow-log records grouped by initiator, target, target port, protocol and direction. */
export interface RejectedGroup {
  initiatorIp: string;
  targetIp: string;
  targetPort: number;
  protocol: number;
  protocolName: string;
  /** The record's direction: `inbound` (I, the interface received the first packet) or `outbound` (O). */
  direction: 'inbound' | 'outbound';
  flows: number;
  packets: number;
  bytes: number;
  /** Interfaces that logged them. */
  interfaces: string[];
}

/**
 * Connections (same 5-tuple) whose traffic was accepted one way and rejected the other, grouped by the interface
 * that rejected it, the rejected side and the service (protocol, target address and port).
 */
export interface AsymmetricFinding {
  kind: 'asymmetric';
  /** The interface whose flow log holds the rejected records: where the traffic is dropped. */
  interfaceId: string;
  /** `replies` (target → initiator) or `requests` (initiator → target). */
  rejectedSide: 'replies' | 'requests';
  /** Relative to `interfaceId`: `outbound` when the dropped packets leave it, `inbound` when they arrive. */
  dropDirection: 'inbound' | 'outbound';
  protocol: number;
  protocolName: string;
  /** The initiators whose connections are affected, ascending. */
  initiatorIps: string[];
  targetIp: string;
  targetPort: number;
  /** Distinct connections (5-tuples) affected. */
  connections: number;
  rejectedPackets: number;
  rejectedBytes: number;
  /** Interfaces whose flow logs show the other direction accepted. */
  acceptedOn: string[];
  /** The most likely cause, in words. */
  likelyCause: string;
  message: string;
}

/** An initiator rejected on at least N distinct ports or hosts within the window. */
export interface PortScanFinding {
  kind: 'port-scan';
  initiatorIp: string;
  /** Every distinct target port on which it was rejected in the range, ascending. */
  ports: number[];
  /** Every distinct target address on which it was rejected in the range, ascending. */
  targets: string[];
  protocols: string[];
  rejectedFlows: number;
  /** The most distinct ports / hosts within one window, and the window where the ports peaked. */
  maxPortsInWindow: number;
  maxHostsInWindow: number;
  windowStart: string;
  windowEnd: string;
  windowSeconds: number;
  threshold: number;
  /** Interfaces that logged the rejections. */
  interfaces: string[];
  message: string;
}

export interface VolumeEntry {
  collectorCrn: string;
  objects: number;
  /** Sum of the stored (gzip) object sizes: what the collector wrote to the bucket. */
  storedBytes: number;
  /** Sum of the decompressed JSON sizes. */
  jsonBytes: number;
  /** Stored bytes scaled to 30 days from the period; undefined when the period is empty. */
  projected30DayStoredBytes?: number;
  projected30DayJsonBytes?: number;
  /** With a price per GB: the projected 30-day stored GB (10^9 bytes) times the price. */
  projected30DayCost?: number;
}

export interface VolumeReport {
  /** What the projection scales: the range asked for, or else the span of the capture windows read. */
  periodStart?: string;
  periodEnd?: string;
  periodSeconds: number;
  periodSource: 'range' | 'capture windows' | 'none';
  basis: string;
  pricePerGb?: number;
  /** The traffic's bytes, counted once per pair (`totals.bytes`), and scaled to 30 days. */
  trafficBytes: number;
  projected30DayTrafficBytes?: number;
  collectors: VolumeEntry[];
}

/**
 * The flow records over every object read, a pair of addresses logged at both ends (the initiator's interface with
 * direction O, the target's with direction I: IBM documents identical initiator and target fields on both) counted
 * once, from the end that logged more of its flow records (the initiator's on a tie). Interface and collector totals
 * show each one's own objects in full.
 */
export interface TrafficTotals {
  flows: number;
  accepted: number;
  rejected: number;
  bytes: number;
  packets: number;
  /** Pairs logged at both ends, and what the other end logged that was not counted again. */
  bothEnds: { pairs: number; flows: number; bytes: number; packets: number };
}

/** An object that was analyzed although something in it is inconsistent. */
export interface ObjectWarning {
  key: string;
  message: string;
}

export interface ObjectFailure {
  key: string;
  kind: ObjectErrorKind;
  problems: Problem[];
  /** The first problem in words, and how many more there are. */
  message: string;
}

export interface FlowLogReport {
  objects: {
    analyzed: number;
    failed: number;
    empty: number;
    skipData: number;
    records: number;
    /** Analyzed objects with a warning. */
    warned: number;
    /** Objects whose key is in the documented layout, by how it spells CRN levels. */
    keyEncodings: { urlEncoded: number; raw: number };
  };
  failures: ObjectFailure[];
  warnings: ObjectWarning[];
  totals: TrafficTotals;
  interfaces: InterfaceTotals[];
  collectors: CollectorTotals[];
  topTalkers: Talker[];
  rejected: { groups: RejectedGroup[]; totalGroups: number };
  findings: { asymmetric: AsymmetricFinding[]; portScans: PortScanFinding[] };
  /** Expected interfaces with no object (valid or not) among those read. */
  silentInterfaces: Array<{ id: string; name?: string }>;
  volume: VolumeReport;
}
