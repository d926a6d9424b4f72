import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator/src';
import { runLogs } from '../../provider/src/cli/logsCommand';
import { runPlan } from '../../provider/src/cli/planCommand';
import { IbmError, VpcClient } from '../../provider/src/ibm';
import { hermeticEnv } from '../rpc/support/fixture';
import { EmulatorClient, ibmConnectionOf } from '../support/emulator';

/**
 * Secrets, beyond the one-session gRPC sweep of test/rpc/secrets.test.ts: the emulator's own log
 * lines and the `ibm-flowlogs` CLI's outputs (plan, logs, emulator --help) for a session that used an API key and HMAC
 * keys hold none of them; the HTTP client never writes to the console and its errors never carry an Authorization
 * header.
 */

const ROOT = resolve(__dirname, '../../..');
const CLI = resolve(ROOT, 'provider/bin/ibm-flowlogs');

describe('reliability: no secret in emulator logs, CLI output or HTTP client errors', function () {
  this.timeout(60_000);
  let emulator: RunningEmulator;
  let client: EmulatorClient;
  let dir: string;
  const emulatorLog: string[] = [];

  before(async () => {
    emulator = await startEmulator({ pendingSeconds: 0, deletingSeconds: 0, log: (line) => emulatorLog.push(line) });
    client = new EmulatorClient(emulator);
    dir = mkdtempSync(join(tmpdir(), 'ibmflowlogs-sweep-'));
  });
  after(async () => {
    await emulator?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const capture = () => {
    const out = { stdout: '', stderr: '' };
    return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), env: {}, stderrIsTty: false } };
  };

  it('plan, logs and emulator --help with an API key and HMAC keys: none of them in any output or emulator log line', async () => {
    const e = emulator.endpoints;
    const token = await client.accessToken();
    const outputs: Record<string, string> = {};
    const connection = ['--vpc-endpoint', e.vpcEndpoint, '--iam-endpoint', e.iamEndpoint, '--api-key', e.apiKey];
    const hmac = ['--cos-endpoint', e.cosEndpoint, '--cos-access-key-id', e.cosAccessKeyId, '--cos-secret-access-key', e.cosSecretAccessKey];
    const collectors = resolve(ROOT, 'test/fixtures/plan/collectors.json');

    for (const format of ['table', 'markdown', 'json']) {
      const c = capture();
      const code = await runPlan(['--collectors', collectors, '--vpc', 'vpc-1', '--format', format, ...connection, ...hmac], c.io);
      outputs[`plan ${format} (exit ${code})`] = `${c.out.stdout}\n${c.out.stderr}`;
    }
    {
      const c = capture(); // IAM refuses a wrong key: the failure message must not echo it
      const code = await runPlan(['--collectors', collectors, ...connection.slice(0, -1), 'wrong-key-Qz7Rt2Lm9Pw4'], c.io);
      outputs[`plan with a refused key (exit ${code})`] = `${c.out.stdout}\n${c.out.stderr}`;
    }
    {
      const c = capture(); // a bucket that does not exist, read with the HMAC keys: a read failure on stderr
      const code = await runLogs(['--bucket', 'no-such-bucket-sweep', ...hmac, '--format', 'json'], c.io);
      outputs[`logs --bucket missing (exit ${code})`] = `${c.out.stdout}\n${c.out.stderr}`;
    }
    {
      const c = capture(); // wrong HMAC secret against the emulator's COS
      const code = await runLogs(['--bucket', 'bucket-c', ...hmac.slice(0, -1), 'wrong-hmac-Vx9Kp2Ty8Lq3'], c.io);
      outputs[`logs --bucket wrong secret (exit ${code})`] = `${c.out.stdout}\n${c.out.stderr}`;
    }
    {
      const c = capture();
      const code = await runLogs(['--bucket', 'bucket-c', ...hmac], c.io);
      outputs[`logs --bucket bucket-c (exit ${code})`] = `${c.out.stdout}\n${c.out.stderr}`;
    }
    {
      const c = capture();
      const code = await runLogs(['--dir', dir, ...hmac, ...connection], c.io);
      outputs[`logs --dir (exit ${code})`] = `${c.out.stdout}\n${c.out.stderr}`;
    }
    const help = spawnSync(process.execPath, [CLI, 'emulator', '--help'], { cwd: ROOT, env: hermeticEnv({ IBMCLOUD_API_KEY: e.apiKey, AWS_SECRET_ACCESS_KEY: e.cosSecretAccessKey }), encoding: 'utf8', timeout: 20_000 });
    outputs[`emulator --help (exit ${help.status})`] = `${help.stdout}\n${help.stderr}`;
    expect(help.status).to.equal(0);
    expect(help.stdout).to.contain('ibm-flowlogs emulator');

    expect(Object.keys(outputs).some((k) => k.startsWith('plan table (exit 0)')), JSON.stringify(Object.keys(outputs))).to.equal(true);
    // The emulator logs only unexpected errors (startEmulator's `log`): whatever it logged is swept with the rest.
    const secrets = { apiKey: e.apiKey, hmacSecret: e.cosSecretAccessKey, token, wrongKey: 'wrong-key-Qz7Rt2Lm9Pw4', wrongHmac: 'wrong-hmac-Vx9Kp2Ty8Lq3' };
    let leaks = 0;
    for (const [where, text] of [...Object.entries(outputs), ['emulator log', emulatorLog.join('\n')] as const]) {
      for (const [label, value] of Object.entries(secrets)) {
        if (text.includes(value)) leaks++;
        expect(text.includes(value), `${label} leaked in ${where}`).to.equal(false);
      }
      expect(text, `no JWT-shaped token in ${where}`).to.not.match(/eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\./);
      expect(text, `no Authorization header in ${where}`).to.not.match(/Bearer [A-Za-z0-9]/);
    }
    console.log(`      swept ${Object.keys(outputs).length} CLI outputs and ${emulatorLog.length} emulator log lines for ${Object.keys(secrets).length} secrets: leaks = ${leaks}`);
  });

  it('the HTTP client never writes to the console, and a failing request\'s error has no Authorization header in any form', async () => {
    const ibmDir = resolve(ROOT, 'provider/src/ibm');
    for (const file of readdirSync(ibmDir).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(ibmDir, file), 'utf8');
      expect(text, `${file} writes to the console`).to.not.match(/\bconsole\.|process\.(stderr|stdout)/);
    }
    const bearer = 'Bearer sweep.token-Zq8w1Lr4Vx9Kp2Ty';
    const forged = { authorizationHeader: async () => bearer, invalidate: () => undefined };
    const vpc = new VpcClient(ibmConnectionOf(emulator.endpoints), { authenticator: forged });
    const logged: string[] = [];
    const originals = { log: console.log, error: console.error, warn: console.warn, info: console.info, debug: console.debug };
    for (const k of Object.keys(originals) as Array<keyof typeof originals>) console[k] = (...args: unknown[]) => void logged.push(args.map(String).join(' '));
    let error: unknown;
    try {
      await vpc.listVpcs();
    } catch (e) {
      error = e;
    } finally {
      Object.assign(console, originals);
      vpc.destroy();
    }
    expect(IbmError.isInstance(error), String(error)).to.equal(true);
    const forms = [String(error), JSON.stringify(error), (error as Error).stack ?? '', JSON.stringify(Object.getOwnPropertyNames(error).map((k) => (error as Record<string, unknown>)[k])), logged.join('\n')];
    for (const form of forms) {
      expect(form, 'an Authorization header value (IBM\'s own message quotes only "Bearer <JWT>")').to.not.match(/Bearer (?!<JWT>)/);
      expect(form).to.not.contain('sweep.token-Zq8w1Lr4Vx9Kp2Ty');
      expect(form).to.not.contain(emulator.endpoints.apiKey);
    }
  });
});
