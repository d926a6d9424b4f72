import { expect } from 'chai';
import { oneVpcTopology } from '../support/topologies';
import { startEmulator, type RunningEmulator } from '../../emulator/src';
import { EmulatorClient } from '../support/emulator';
import { hermeticEnv } from '../rpc/support/fixture';
import { PluginProcess, requests, secret } from '../rpc/support/plugin';

/**
 * Load: 300 collectors through ONE plugin process, 60 concurrent Check + Create calls, once fault-free and once while
 * the emulator rate-limits (429 + Retry-After on POST and GET of collectors). All succeed, no orphans, and the
 * rate-limited run sends at most 1.2× the fault-free run's requests plus the retries (the faults that fired).
 */

const COLLECTORS = 300;
const CONCURRENCY = 60;


interface RunResult {
  ids: string[];
  seconds: number;
  total: number;
  faultsFired: number;
  byRoute: Record<string, number>;
  maxInFlight: number;
}

describe('reliability: load — 300 collectors, 60 concurrent creates, rate-limited', function () {
  this.timeout(120_000);
  let running: RunningEmulator;
  let emulator: EmulatorClient;
  const results: Record<string, RunResult> = {};

  before(async () => {
    running = await startEmulator({ pendingSeconds: 0, deletingSeconds: 0, log: () => undefined });
    emulator = new EmulatorClient(running);
    const replaced = await emulator.control('POST', '/topology', oneVpcTopology(COLLECTORS, 'vpc-load', 'bucket-load'));
    expect(replaced.status, JSON.stringify(replaced.body)).to.equal(200);
  });

  after(async () => {
    await running?.close();
    const clean = results.clean;
    const limited = results.limited;
    if (!clean || !limited) return;
    const routes = [...new Set([...Object.keys(clean.byRoute), ...Object.keys(limited.byRoute)])].sort();
    console.log(
      [
        '',
        `Load: ${COLLECTORS} collectors, Check + Create each, ${CONCURRENCY} concurrent, one plugin process`,
        `| route | fault-free | rate-limited |`,
        `|---|---:|---:|`,
        ...routes.map((r) => `| ${r} | ${clean.byRoute[r] ?? 0} | ${limited.byRoute[r] ?? 0} |`),
        `| **total** | **${clean.total}** | **${limited.total}** |`,
        `| faults fired (429 retries) | ${clean.faultsFired} | ${limited.faultsFired} |`,
        `| wall time | ${clean.seconds.toFixed(1)} s | ${limited.seconds.toFixed(1)} s |`,
        `| most Create calls in flight | ${clean.maxInFlight} | ${limited.maxInFlight} |`,
        `Bound: ${limited.total} ≤ 1.2 × ${clean.total} + ${limited.faultsFired} = ${(1.2 * clean.total + limited.faultsFired).toFixed(0)}; ratio ${(limited.total / clean.total).toFixed(3)}; orphans 0`,
        '',
      ].join('\n'),
    );
  });

  async function run(faults: boolean): Promise<RunResult> {
    expect((await emulator.control('POST', '/reset')).status).to.equal(204);
    const plugin = await PluginProcess.launch(undefined, hermeticEnv());
    try {
      const e = running.endpoints;
      const checked = await plugin.call('checkConfig', requests.checkConfig({ apiKey: secret(e.apiKey), vpcEndpoint: e.vpcEndpoint, iamEndpoint: e.iamEndpoint, taggingEndpoint: e.taggingEndpoint, resourceManagerEndpoint: e.resourceManagerEndpoint }));
      await plugin.call('configure', requests.configure(checked.getInputs().toJavaScript()));
      const topology = (await emulator.control('GET', '/state')).body.topology;
      const targets: string[] = topology.instances.map((i: any) => i.id);
      expect(targets).to.have.length(COLLECTORS);
      expect((await emulator.control('DELETE', '/requests')).status).to.equal(204);
      if (faults) {
        for (const [method, path] of [
          ['POST', '/v1/flow_log_collectors'],
          ['GET', '/v1/flow_log_collectors/*'],
        ]) {
          expect((await emulator.control('POST', '/faults', { method, path, kind: '429', retryAfter: 1, count: 30 })).status).to.equal(201);
        }
      }
      const ids: string[] = new Array(COLLECTORS);
      let next = 0;
      let inFlight = 0;
      let maxInFlight = 0;
      const started = process.hrtime.bigint();
      const worker = async () => {
        while (next < targets.length) {
          const i = next++;
          const name = `load-${i}`;
          const check = await plugin.call('check', requests.check(name, { target: targets[i], storageBucket: 'bucket-load', name }));
          expect(check.getFailuresList(), `Check of ${name}`).to.have.length(0);
          inFlight += 1;
          maxInFlight = Math.max(maxInFlight, inFlight);
          try {
            const created = await plugin.call('create', requests.create(name, check.getInputs().toJavaScript()));
            ids[i] = created.getId();
          } finally {
            inFlight -= 1;
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const counters = (await emulator.control('GET', '/requests')).body as { total: number; byRoute: Record<string, number>; faultsFired: number };

      // All succeeded; the emulator holds exactly the collectors the plugin returned, once each, on distinct targets.
      const state = (await emulator.control('GET', '/state')).body;
      expect(ids.filter(Boolean)).to.have.length(COLLECTORS);
      expect(new Set(ids).size).to.equal(COLLECTORS);
      expect(state.collectors.map((c: any) => c.id).sort(), 'emulator collectors = plugin ids (no orphans)').to.deep.equal([...ids].sort());
      expect(new Set(state.collectors.map((c: any) => c.target.id)).size).to.equal(COLLECTORS);
      expect(state.collectors.every((c: any) => c.lifecycle_state === 'stable')).to.equal(true);
      expect(maxInFlight, 'concurrent Create calls').to.be.at.least(50);
      return { ids, seconds, total: counters.total, faultsFired: counters.faultsFired, byRoute: counters.byRoute, maxInFlight };
    } finally {
      await plugin.stop();
    }
  }

  it('fault-free: 300 collectors, all created, no orphans', async () => {
    results.clean = await run(false);
    expect(results.clean.faultsFired).to.equal(0);
  });

  it('rate-limited (429 + Retry-After: 1 on POST and GET): all 300 created, no orphans, requests ≤ 1.2 × fault-free + retries', async () => {
    expect(results.clean, 'the fault-free run').to.not.equal(undefined);
    const limited = (results.limited = await run(true));
    expect(limited.faultsFired, 'faults fired').to.be.greaterThan(0);
    expect(limited.total).to.be.at.most(1.2 * results.clean.total + limited.faultsFired);
  });
});
