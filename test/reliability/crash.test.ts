import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator/src';
import { hermeticEnv } from '../rpc/support/fixture';
import { EmulatorClient } from '../support/emulator';
import { PluginProcess, requests, secret } from '../rpc/support/plugin';

/**
 * Crash safety: an unexpected error ends the plugin with a non-zero exit and a message on stderr,
 * never a hang; conditions that are not errors (an engine that cannot be reached, stdout closed by the engine, a
 * SIGTERM in the middle of a long Create) do not crash it.
 */

const ROOT = resolve(__dirname, '../../..');
const MAIN = resolve(ROOT, 'dist/provider/src/rpc/main.js');

/** Resolves with the exit code and signal, or with undefined if the process is still running after `ms`. */
function exitWithin(child: ReturnType<typeof spawn>, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number } | undefined> {
  const started = Date.now();
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode, ms: 0 });
  return new Promise((res) => {
    const timer = setTimeout(() => res(undefined), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      res({ code, signal, ms: Date.now() - started });
    });
  });
}

describe('reliability: crash safety', function () {
  this.timeout(30_000);
  const started: Array<ReturnType<typeof spawn>> = [];
  afterEach(() => {
    for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  const fatal: Array<[string, string, string, string]> = [
    ["an uncaught exception in the plugin process exits 1 within 2 s with main's message on stderr", "throw new Error('boom')", 'uncaught exception', 'boom'],
    ['an unhandled rejection exits 1 within 2 s with a message on stderr', "Promise.reject(new Error('rejected-boom'))", 'unhandled rejection', 'rejected-boom'],
  ];
  for (const [title, failure, what, detail] of fatal) {
    it(title, async () => {
      const script = `require(${JSON.stringify(MAIN)}).main([]); setImmediate(() => { ${failure}; });`;
      const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, env: hermeticEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      started.push(child);
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      const exit = await exitWithin(child, 2000);
      expect(exit, `still running after 2 s; stderr: ${stderr}`).to.not.equal(undefined);
      expect(exit!.code).to.equal(1);
      expect(stderr).to.contain(`pulumi-resource-ibmflowlogs: ${what}`);
      expect(stderr).to.contain(detail);
    });
  }

  for (const address of ['127.0.0.1:1', 'not a host:port', 'unix:///nonexistent/engine.sock']) {
    it(`an unreachable or invalid engine address (${JSON.stringify(address)}) does not crash the plugin`, async () => {
      const plugin = await PluginProcess.launch(address, hermeticEnv());
      started.push(plugin.child);
      try {
        await plugin.call('getPluginInfo', requests.empty());
        const checked = await plugin.call('checkConfig', requests.checkConfig({ apiKey: secret('k'), region: 'us-south' }));
        expect(checked.getFailuresList()).to.have.length(0);
        const res = await plugin.call('check', requests.check('x', { target: 'crn:nonsense', storageBucket: 'B!' }));
        expect(res.getFailuresList().length).to.be.greaterThan(0);
        await new Promise((r) => setTimeout(r, 300)); // any engine-log attempt has had time to fail
        expect(plugin.child.exitCode, plugin.stderr).to.equal(null);
        await plugin.call('getPluginInfo', requests.empty());
      } finally {
        await plugin.stop();
      }
      expect(plugin.child.exitCode, 'SIGTERM exits 0').to.equal(0);
    });
  }

  it('stdout closed by the engine after the port (EPIPE) does not crash the plugin', async () => {
    const plugin = await PluginProcess.launch(undefined, hermeticEnv());
    started.push(plugin.child);
    plugin.child.stdout!.destroy();
    await new Promise((r) => setTimeout(r, 100));
    await plugin.call('getPluginInfo', requests.empty());
    const res = await plugin.call('check', requests.check('x', { colour: 'red' }));
    expect(res.getFailuresList().length).to.be.greaterThan(0);
    expect(plugin.child.exitCode, plugin.stderr).to.equal(null);
    await plugin.stop();
    expect(plugin.child.exitCode).to.equal(0);
  });

  describe('SIGTERM during a long Create', () => {
    let emulator: RunningEmulator;
    before(async () => (emulator = await startEmulator({ pendingSeconds: 60, deletingSeconds: 0, log: () => undefined })));
    after(async () => emulator?.close());

    it('exits cleanly (code 0) within 5 s and does not hang on the waiting call', async () => {
      const e = emulator.endpoints;
      const plugin = await PluginProcess.launch(undefined, hermeticEnv());
      started.push(plugin.child);
      const checked = await plugin.call('checkConfig', requests.checkConfig({ apiKey: secret(e.apiKey), vpcEndpoint: e.vpcEndpoint, iamEndpoint: e.iamEndpoint, taggingEndpoint: e.taggingEndpoint, resourceManagerEndpoint: e.resourceManagerEndpoint }));
      await plugin.call('configure', requests.configure(checked.getInputs().toJavaScript()));
      const subnet = emulator.state.topology.data.subnets[0].id;
      const inputs = (await plugin.call('check', requests.check('long', { target: subnet, storageBucket: 'bucket-c' }))).getInputs().toJavaScript();
      const creating = plugin.call('create', requests.create('long', inputs)).then(
        () => 'succeeded',
        (error) => `failed: ${error.code} ${error.details}`,
      );
      // Wait until the collector exists (the plugin is now polling for it to become stable), then SIGTERM.
      const deadline = Date.now() + 5000;
      const client = new EmulatorClient(emulator);
      while (((await client.control('GET', '/state')).body.collectors ?? []).length === 0) {
        if (Date.now() > deadline) throw new Error('the collector was never created');
        await new Promise((r) => setTimeout(r, 50));
      }
      plugin.child.kill('SIGTERM');
      const exit = await exitWithin(plugin.child, 5000);
      expect(exit, `plugin still running 5 s after SIGTERM; stderr: ${plugin.stderr}`).to.not.equal(undefined);
      expect(exit!.code, `stderr: ${plugin.stderr}`).to.equal(0);
      expect(plugin.stderr).to.not.match(/uncaught|unhandled/);
      const outcome = await creating;
      expect(outcome, 'the cancelled Create answers (with its id) rather than being cut off').to.match(/^failed: /);
      console.log(`      SIGTERM during Create: exit ${exit!.code} after ${exit!.ms} ms; the Create ${outcome.slice(0, 160)}`);
      plugin.client.close();
    });
  });
});

