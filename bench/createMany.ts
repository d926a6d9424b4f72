import { startEmulator } from '../emulator/src';
import { oneVpcTopology } from '../test/support/topologies';
import { PluginProcess, requests, secret } from '../test/rpc/support/plugin';

const COLLECTORS = 200;
const CONCURRENCY = 20;


/** 200 collectors created through the plugin process (Check then Create each, 20 at a time), against the emulator. */
export async function createMany(): Promise<string[]> {
  const emulator = await startEmulator({ topology: oneVpcTopology(COLLECTORS, 'vpc-big', 'bucket-big'), pendingSeconds: 0, deletingSeconds: 0, log: () => undefined });
  const plugin = await PluginProcess.launch();
  try {
    const e = emulator.endpoints;
    const checked = await plugin.call('checkConfig', requests.checkConfig({ apiKey: secret(e.apiKey), vpcEndpoint: e.vpcEndpoint, iamEndpoint: e.iamEndpoint, taggingEndpoint: e.taggingEndpoint ?? e.vpcEndpoint }));
    await plugin.call('configure', requests.configure(checked.getInputs().toJavaScript()));
    const targets = emulator.state.topology.data.instances.map((i) => i.id);
    const started = process.hrtime.bigint();
    let next = 0;
    const worker = async () => {
      while (next < targets.length) {
        const i = next++;
        const name = `collector-${i}`;
        const check = await plugin.call('check', requests.check(name, { target: targets[i], storageBucket: 'bucket-big' }));
        if (check.getFailuresList().length > 0) throw new Error(`check failed for ${name}`);
        await plugin.call('create', requests.create(name, check.getInputs().toJavaScript()));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const stable = emulator.state.collectors.all().filter((c) => c.lifecycleState === 'stable').length;
    const counts = emulator.state.counters.toJSON() as { total: number; byRoute: Record<string, number> };
    return [
      `${COLLECTORS} collectors (Check + Create each, ${CONCURRENCY} at a time) in ${seconds.toFixed(2)} s: ${(COLLECTORS / seconds).toFixed(0)} per second; ${stable} stable in the emulator`,
      `HTTP requests: ${counts.total} in all, ${(counts.total / COLLECTORS).toFixed(2)} per collector; by route:`,
      ...Object.entries(counts.byRoute)
        .sort((a, b) => b[1] - a[1])
        .map(([route, n]) => `  ${String(n).padStart(5)}  ${route}`),
    ];
  } finally {
    await plugin.stop();
    await emulator.close();
  }
}
