/**
 * A deployment of N collectors in one VPC through the real plugin, as the engine drives it (pulumi/pulumi
 * pkg/resource/deploy/step_generator.go: Check, then Diff, in registration order; step_executor.go runs the steps
 * concurrently): preview (Check + Create preview), create (Check + Create), update (Check with olds, Diff, Update:
 * suspend all), delete (Delete). Each phase is one engine run, so one plugin process. Per phase: wall time,
 * requests by route, response bytes (a counting proxy in front of the VPC API), the plugin's peak RSS, and the ratio
 * of requests to the floor (a POST or PATCH or DELETE and one GET per collector, plus the per-VPC constant).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator } from '../emulator/src';
import { oneVpcTopology } from '../test/support/topologies';
import { PluginProcess, requests, secret } from '../test/rpc/support/plugin';
import { CountingProxy } from './support/countingProxy';

const SIZES = (process.env.BENCH_DEPLOYMENT_SIZES ?? '100,300,1000,3000').split(",").map(Number);
const RUNS = Number(process.env.BENCH_DEPLOYMENT_RUNS ?? 3);
/** Steps in flight at once (the step executor's workers). */
const IN_FLIGHT = 32;
const PHASES = ['preview', 'create', 'update', 'delete'] as const;
type Phase = (typeof PHASES)[number];

/** Routes that cost one request per collector; the rest (token, topology, listing pages) is the constant. */
const PER_COLLECTOR = /^(POST|PATCH|DELETE) \/v1\/flow_log_collectors|^GET \/v1\/flow_log_collectors\/\{id\}$/;

interface Figures {
  seconds: number;
  requests: number;
  byRoute: Record<string, number>;
  bytes: number;
  rssMb: number;
}

async function pool<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

interface Made {
  name: string;
  inputs: Record<string, unknown>;
  id: string;
  outputs: Record<string, unknown>;
}

async function phase(n: number, which: Phase, emulator: Awaited<ReturnType<typeof startEmulator>>, made: Made[]): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-deploy-'));
  const rssFile = join(dir, 'rss');
  const proxy = await CountingProxy.start(emulator.endpoints.vpcEndpoint);
  const env = { ...process.env, PEAK_RSS_FILE: rssFile, NODE_OPTIONS: `--require ${resolve(__dirname, '../test/support/peakRss.js')}` };
  const plugin = await PluginProcess.launch(undefined, env);
  try {
    const e = emulator.endpoints;
    const checked = await plugin.call('checkConfig', requests.checkConfig({ apiKey: secret(e.apiKey), vpcEndpoint: proxy.url, iamEndpoint: e.iamEndpoint, taggingEndpoint: e.taggingEndpoint ?? e.vpcEndpoint }));
    await plugin.call('configure', requests.configure(checked.getInputs().toJavaScript()));
    emulator.state.counters.clear();
    const started = process.hrtime.bigint();
    const steps: Array<() => Promise<void>> = [];
    const targets = emulator.state.topology.data.instances.map((i) => i.id);
    let done = false;
    const executor = (async () => {
      // Steps run as the executor frees a worker, while later registrations are still Checked.
      const running = new Set<Promise<void>>();
      let i = 0;
      for (;;) {
        if (i < steps.length) {
          const p = steps[i++]().finally(() => running.delete(p));
          running.add(p);
          if (running.size >= IN_FLIGHT) await Promise.race(running);
        } else if (done) break;
        else await new Promise((r) => setTimeout(r, 1));
      }
      await Promise.all(running);
    })();
    if (which === 'preview' || which === 'create') {
      for (let i = 0; i < n; i++) {
        const name = `collector-${i}`;
        const res = await plugin.call('check', requests.check(name, { target: targets[i], storageBucket: 'bucket-big', name }));
        if (res.getFailuresList().length > 0) throw new Error(`check failed for ${name}`);
        const inputs = res.getInputs().toJavaScript();
        steps.push(async () => {
          const c = await plugin.call('create', requests.create(name, inputs, { preview: which === 'preview' }));
          if (which === 'create') made.push({ name, inputs, id: c.getId(), outputs: c.getProperties().toJavaScript() });
        });
      }
    } else if (which === 'update') {
      for (const m of made) {
        const news = { ...m.inputs, active: false };
        const res = await plugin.call('check', requests.check(m.name, news, m.inputs));
        const inputs = res.getInputs().toJavaScript();
        const d = await plugin.call('diff', requests.diff(m.name, m.id, m.outputs, inputs, m.inputs));
        if (!d.getChanges()) throw new Error(`no diff for ${m.name}`);
        steps.push(async () => {
          await plugin.call('update', requests.update(m.name, m.id, m.outputs, inputs));
        });
      }
    } else {
      for (const m of made) steps.push(async () => void (await plugin.call('delete', requests.delete(m.name, m.id, m.outputs))));
    }
    done = true;
    await executor;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const counts = emulator.state.counters.toJSON() as { total: number; byRoute: Record<string, number> };
    const bytes = proxy.bytes;
    await plugin.stop();
    const rssMb = Number(readFileSync(rssFile, 'utf8')) / 1024;
    return { seconds, requests: counts.total, byRoute: counts.byRoute, bytes, rssMb };
  } finally {
    await plugin.stop();
    await proxy.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const stats = (xs: number[], digits = 2) => {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[0].toFixed(digits)} / ${s[Math.floor(s.length / 2)].toFixed(digits)} / ${s[s.length - 1].toFixed(digits)}`;
};

/** The benchmark's lines: per N and phase, min / median / max over RUNS runs, and the request figures of the last. */
export async function deployment(): Promise<string[]> {
  const lines = [`one VPC, N collectors on N instances, ${IN_FLIGHT} steps in flight, ${RUNS} runs each (min / median / max); floor = 2N (0 for a preview) + the preview's requests (token, topology, one listing); constant = requests on routes that do not grow per collector`];
  const perCollectorAt1000: Record<string, number> = {};
  const bytesPer: Record<string, Record<number, number>> = {};
  for (const n of SIZES) {
    const runs: Record<Phase, Figures[]> = { preview: [], create: [], update: [], delete: [] };
    for (let r = 0; r < (n >= 3000 ? 1 : RUNS); r++) {
      const emulator = await startEmulator({ topology: oneVpcTopology(n, 'vpc-big', 'bucket-big'), pendingSeconds: 0, deletingSeconds: 0, log: () => undefined });
      try {
        const made: Made[] = [];
        for (const p of PHASES) runs[p].push(await phase(n, p, emulator, made));
        if (emulator.state.collectors.all().length !== 0) throw new Error('collectors left after delete');
      } finally {
        await emulator.close();
      }
    }
    for (const p of PHASES) {
      const last = runs[p][runs[p].length - 1];
      const grows = Object.entries(last.byRoute).filter(([route]) => PER_COLLECTOR.test(route)).reduce((a, [, c]) => a + c, 0);
      const constant = last.requests - grows;
      // The per-VPC constant of the floor: what the preview needs (the token, the topology, one collector listing).
      const floor = (p === 'preview' ? 0 : 2 * n) + runs.preview[runs.preview.length - 1].requests;
      const perCollector = last.requests / n;
      if (n === 1000) perCollectorAt1000[p] = perCollector;
      (bytesPer[p] ??= {})[n] = last.bytes / n;
      lines.push(
        `N=${n} ${p.padEnd(7)} wall ${stats(runs[p].map((f) => f.seconds))} s; requests ${last.requests} (${perCollector.toFixed(2)} per collector, ratio to floor ${(last.requests / floor).toFixed(2)}; constant ${constant}); ` +
          `response bytes ${(last.bytes / 1e6).toFixed(2)} MB (${Math.round(last.bytes / n)} per collector); plugin peak RSS ${stats(runs[p].map((f) => f.rssMb), 0)} MB`,
      );
      lines.push(`    ${Object.entries(last.byRoute).sort((a, b) => b[1] - a[1]).map(([route, c]) => `${route} ${c}`).join('; ')}`);
    }
  }
  lines.push(
    `at N=1,000 requests per collector: create ${perCollectorAt1000.create?.toFixed(2)} (goal ≤ 2.2), update ${perCollectorAt1000.update?.toFixed(2)} (goal ≤ 2.2), preview ${perCollectorAt1000.preview?.toFixed(2)} (goal ≤ 0.1 + constant)`,
    `response bytes per collector, N=3,000 ÷ N=1,000 (total ratio = 3 × this; goal total ≤ 3.5×): ${PHASES.map((p) => `${p} ${(bytesPer[p][3000] / bytesPer[p][1000]).toFixed(2)}`).join(', ')}`,
  );
  return lines;
}

if (require.main === module) {
  deployment().then(
    (lines) => process.stdout.write(`${lines.join('\n')}\n`),
    (error) => {
      process.stderr.write(`${(error as Error).stack}\n`);
      process.exit(1);
    },
  );
}
