/**
 * The resolver's compact form (typed arrays, no object per interface), which a Resolution carries under a private
 * symbol: the diff and the coverage read it directly, and the object form is built from it on first read.
 */
import type { CollectorSpec, InterfaceChange, InterfaceResult, Resolution, Topology } from './types';

export const LEVELS = 5;
export const L_INTERFACE = 0;
export const L_VNI = 1;
export const L_INSTANCE = 2;
export const L_SUBNET = 3;
export const L_VPC = 4;
export const NONE = -1;


/** The private compact form a Resolution carries. */
export const COMPACT: unique symbol = Symbol('ibmflowlogs.precedence.compact');

export interface Compact {
  topology: Topology;
  collectors: readonly CollectorSpec[];
  /** Per interface and level (index i * 5 + level): the collector on that level of its chain, or -1. */
  chain: Int32Array;
  /** Per interface: the winning collector, or -1. */
  winner: Int32Array;
  /** Per interface: the level it was won at (255 when uncovered). */
  winLevel: Uint8Array;
  /** Per interface: its subnet's index in topology.subnets, or -1. */
  subnetOf: Int32Array;
  /** Per subnet: the collector on it and the one on its VPC, or -1. */
  subnetCollector: Int32Array;
  subnetVpcCollector: Int32Array;
  /** Per subnet, built on demand: the ids of the collectors on its subnet and VPC levels, and on its VPC level. */
  subnetTails: Array<string[] | undefined>;
  vpcTails: Array<string[] | undefined>;
  /** Per collector: the level of its target, or -1 (unknown target). */
  collectorLevel: Int8Array;
  /** Interfaces grouped by winner: group g (collector g, or the uncovered for g = m) is members[start[g] .. start[g+1]). */
  start: Int32Array;
  members: Int32Array;
  /** Collector id → its positions in `collectors`, built on demand (by coverageOf). */
  byId?: Map<string, number[]>;
  /** Shared frozen pieces of the object form, built on demand. */
  winnerObjects: Array<InterfaceResult['winner']>;
  outcomeObjects: Array<InterfaceChange['before']>;
}

export type Resolved = Resolution & { [COMPACT]?: Compact };

export const EMPTY: string[] = Object.freeze([]) as unknown as string[];

/** The compact form of a resolution, when it still has one (a resolution that went through JSON does not). */
export function compactOf(resolution: Resolution): Compact | undefined {
  return (resolution as Resolved)[COMPACT];
}

export function outcomeObject(cp: Compact, c: number): NonNullable<InterfaceChange['before']> {
  let o = cp.outcomeObjects[c];
  if (o === undefined) {
    const spec = cp.collectors[c];
    o = Object.freeze({ collectorId: spec.id, bucket: spec.bucket, active: spec.active });
    cp.outcomeObjects[c] = o;
  }
  return o;
}

export function sameInterfaces(a: Topology['interfaces'], b: Topology['interfaces']): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].id !== b[i].id) return false;
  return true;
}
