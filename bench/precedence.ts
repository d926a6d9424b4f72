import { CollectorSpec, diffResolutions, resolve, Resolution, Topology } from '../provider/src/precedence';
import { median } from './support/load';
import { changedCollectors, syntheticCollectors, syntheticTopology } from './support/precedenceTopology';

const RUNS = 7;
const MB = 1024 * 1024;

/** A full GC (with --expose-gc), then a pause so that its concurrent sweeping is not timed as ours. */
async function settle(): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 150));
}

/** Wall time and CPU time (user + system, every thread of the process) of one call, in ms. */
function timed<T>(run: () => T): { value: T; ms: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const value = run();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  return { value, ms, cpuMs: (used.user + used.system) / 1000 };
}

/** The naive simulator: for each interface, for each level of its chain, scan every collector. */
function naiveWinner(chainIds: Array<string | undefined>, collectors: CollectorSpec[]): CollectorSpec | undefined {
  for (const id of chainIds) {
    if (id === undefined) continue;
    for (const c of collectors) if (c.targetId === id) return c;
  }
  return undefined;
}

function naiveSample(topology: Topology, collectors: CollectorSpec[], sample: number): { ms: number; winners: number } {
  const vpcOfSubnet = new Map(topology.subnets.map((s) => [s.id, s.vpcId]));
  const step = Math.max(1, Math.floor(topology.interfaces.length / sample));
  let winners = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < topology.interfaces.length; i += step) {
    const it = topology.interfaces[i];
    if (naiveWinner([it.id, it.vniId, it.instanceId, it.subnetId, vpcOfSubnet.get(it.subnetId)], collectors)) winners++;
  }
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, winners };
}

/** Builds the object form (interfaces, receivedBy, uncovered) that `resolve` otherwise builds on first read. */
function materialize(r: Resolution): number {
  return r.interfaces.length + Object.keys(r.receivedBy).length + r.uncovered.length;
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

/**
 * The precedence simulator at scale: 1,000,000 interfaces and 100,000 collectors against 100,000 / 10,000 (the
 * scaling ratio), against the naive scan, and the diff of two collector sets; everything measured in this one run.
 */
export async function precedence(): Promise<string[]> {
  const lines: string[] = [];
  const hasGc = typeof (globalThis as { gc?: unknown }).gc === 'function';
  const rssBefore = process.memoryUsage().rss;

  const t0 = process.hrtime.bigint();
  const small = syntheticTopology(100_000, 1);
  const smallCollectors = syntheticCollectors(small, 10_000, 2);
  const big = syntheticTopology(1_000_000, 3);
  const bigCollectors = syntheticCollectors(big, 100_000, 4);
  const bigChanged = changedCollectors(big, bigCollectors, 0.02, 5);
  const genMs = Number(process.hrtime.bigint() - t0) / 1e6;
  lines.push(
    `synthetic topologies (seeded): ${big.interfaces.length.toLocaleString('en')} interfaces, ${big.instances.length.toLocaleString('en')} instances, ` +
      `${big.subnets.length.toLocaleString('en')} subnets, ${big.vpcs.length} VPCs, ${bigCollectors.length.toLocaleString('en')} collectors on every level; ` +
      `and 100,000 interfaces / 10,000 collectors; generated in ${(genMs / 1000).toFixed(1)} s`,
  );

  // The very first call, before the JIT has seen the code; then a warm-up, so that both sizes run optimized code.
  await settle();
  const cold = timed(() => resolve(big, bigCollectors)).ms;
  for (let k = 0; k < 3; k++) resolve(small, smallCollectors);
  await settle();
  const used = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const memTopology = used();

  // Side by side: each run resolves 100k and then 1M, alternately.
  const smallMs: number[] = [];
  const bigMs: number[] = [];
  const bigCpu: number[] = [];
  let heapPeak = 0;
  let kept: Resolution | undefined;
  for (let r = 0; r < RUNS; r++) {
    kept = undefined;
    await settle();
    smallMs.push(timed(() => resolve(small, smallCollectors)).ms);
    await settle();
    const run = timed(() => resolve(big, bigCollectors));
    bigMs.push(run.ms);
    bigCpu.push(run.cpuMs);
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    kept = run.value;
  }
  const mSmall = median(smallMs);
  const mBig = median(bigMs);
  await settle();
  const memCompact = used();
  materialize(kept!);
  await settle();
  const memObjects = used();
  lines.push(
    `resolve, 1,000,000 interfaces / 100,000 collectors: median ${fmt(mBig)} ms wall, ${fmt(median(bigCpu))} ms CPU (all threads) ` +
      `over ${RUNS} runs [${bigMs.map(fmt).join(', ')}]   (target ≤ 1000 ms)`,
  );
  lines.push(`resolve, the first call of the process (code not yet optimized), 1,000,000 / 100,000: ${fmt(cold)} ms`);
  lines.push(`resolve, 100,000 interfaces / 10,000 collectors: median ${fmt(mSmall)} ms [${smallMs.map(fmt).join(', ')}]`);
  lines.push(`scaling: 10× the interfaces and collectors costs ${(mBig / mSmall).toFixed(2)}× the time   (target ≤ 12×)`);

  // The object form, built on first read.
  const matMs: number[] = [];
  for (let r = 0; r < 3; r++) {
    const fresh = resolve(big, bigCollectors);
    await settle();
    matMs.push(timed(() => materialize(fresh)).ms);
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }
  const mMat = median(matMs);
  const smallMat: number[] = [];
  for (let r = 0; r < 3; r++) {
    const fresh = resolve(small, smallCollectors);
    await settle();
    smallMat.push(timed(() => materialize(fresh)).ms);
  }
  const mSmallMat = median(smallMat);
  lines.push(
    `object form (interfaces[], receivedBy with sorted ids, uncovered), built on first read: median ${fmt(mMat)} ms more; ` +
      `resolve + object form ${fmt(mBig + mMat)} ms`,
  );

  // Naive scan at 100,000 interfaces and 10,000 collectors, on a sample, extrapolated linearly.
  const SAMPLE = 2_000;
  naiveSample(small, smallCollectors, 200); // warm-up
  const naive = naiveSample(small, smallCollectors, SAMPLE);
  const sampled = Math.ceil(small.interfaces.length / Math.max(1, Math.floor(small.interfaces.length / SAMPLE)));
  const naiveMs = (naive.ms * small.interfaces.length) / sampled;
  lines.push(
    `naive per-interface scan, 100,000 interfaces / 10,000 collectors: ${fmt(naive.ms)} ms for an evenly spaced sample of ` +
      `${sampled.toLocaleString('en')} interfaces, extrapolated linearly to ${fmt(naiveMs)} ms for all; ` +
      `the simulator is ${(naiveMs / mSmall).toFixed(0)}× faster (${(naiveMs / (mSmall + mSmallMat)).toFixed(0)}× counting its object form too)   (target ≥ 100×)`,
  );

  // Diff of two collector sets over 1,000,000 interfaces.
  kept = undefined;
  await settle();
  const before = resolve(big, bigCollectors);
  const after = resolve(big, bigChanged);
  const diffMs: number[] = [];
  let changes = 0;
  let kinds: Record<string, number> = {};
  for (let r = 0; r < 5; r++) {
    await settle();
    const run = timed(() => diffResolutions(before, after));
    diffMs.push(run.ms);
    changes = run.value.length;
    kinds = {};
    for (const c of run.value) kinds[c.kind] = (kinds[c.kind] ?? 0) + 1;
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }
  await settle();
  const full = timed(() => diffResolutions(resolve(big, bigCollectors), resolve(big, bigChanged)));
  lines.push(
    `diff of two collector sets (2% removed, 2% suspended/resumed, 2% new bucket, 2% added) over 1,000,000 interfaces: ` +
      `median ${fmt(median(diffMs))} ms for ${changes.toLocaleString('en')} changes (${Object.entries(kinds)
        .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
        .join(', ')}); both resolves + diff ${fmt(full.ms)} ms   (target ≤ 2000 ms)`,
  );

  const mem = process.memoryUsage();
  const maxRss = process.resourceUsage().maxRSS * 1024;
  lines.push(
    `memory: peak RSS of this process ${(maxRss / MB).toFixed(0)} MB (target ≤ 1536 MB; it was ${(rssBefore / MB).toFixed(0)} MB before this benchmark ` +
      `and holds both topologies and up to three resolutions); heap + array buffers: ${(memTopology / MB).toFixed(0)} MB with the topologies loaded, ` +
      `+ ${((memCompact - memTopology) / MB).toFixed(0)} MB for one kept 1M resolution (compact form), ` +
      `+ ${((memObjects - memTopology) / MB).toFixed(0)} MB once its object form is built; heap peak ${(heapPeak / MB).toFixed(0)} MB, now ${(mem.heapUsed / MB).toFixed(0)} MB`,
  );
  if (!hasGc) lines.push('(run with node --expose-gc for steadier figures: npm run bench does)');
  void kept;
  return lines;
}
