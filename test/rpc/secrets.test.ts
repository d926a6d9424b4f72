import { expect } from 'chai';
import { startEmulator, type RunningEmulator } from '../../emulator/src';
import { EngineServer } from '../../provider/src/runner/engineServer';
import { PluginProcess, requests, secret, SIG, SECRET_SIG } from './support/plugin';
import { EmulatorClient } from '../support/emulator';
import { useFixture } from './support/fixture';

/**
 * The secret sweep: a whole provider session (config, check, create, read, update, diff, invoke, delete and failing
 * calls) is recorded — every gRPC response, every error, every engine log message, the plugin's stdout and stderr —
 * and no API key, IAM token or HMAC secret may appear anywhere outside a secret wrapper.
 */
describe('rpc: no secret leaves the plugin except inside a secret wrapper', function () {
  this.timeout(60_000);
  let emulator: RunningEmulator;
  let engine: EngineServer;
  let plugin: PluginProcess;
  const recorded: string[] = [];
  const HMAC_SECRET = 'hmac-secret-Zq8w1Lr4Vx9Kp2Ty';

  /** A response as JSON with every secret-wrapped value removed: what is left must hold no secret. */
  const unwrapped = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(unwrapped);
    if (value !== null && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      if (o[SIG] === SECRET_SIG) return '[secret]';
      return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, unwrapped(v)]));
    }
    return value;
  };
  const record = (response: any) => recorded.push(JSON.stringify(unwrapped(response?.toObject ? structs(response) : response)));
  /** Responses carry google.protobuf.Struct fields: decode them the way the engine does before sweeping. */
  const structs = (response: any) => {
    const message = response.toObject();
    for (const raw of ['inputs', 'properties', 'pb_return']) delete message[raw]; // swept below, decoded
    const out: Record<string, unknown> = { message };
    for (const getter of ['getInputs', 'getProperties', 'getReturn']) if (typeof response[getter] === 'function' && response[getter]()) out[getter] = response[getter]().toJavaScript();
    return out;
  };
  const call = async (method: string, request: unknown) => {
    try {
      const response = await plugin.call(method, request);
      record(response);
      return response;
    } catch (error) {
      const e = error as { details?: string; message?: string; metadata?: { getMap(): object } };
      recorded.push(`${e.details} ${e.message} ${JSON.stringify(e.metadata?.getMap() ?? {})}`);
      return undefined;
    }
  };

  before(async () => {
    emulator = await startEmulator({ pendingSeconds: 0.3, deletingSeconds: 0, log: (line) => recorded.push(line) });
    engine = new EngineServer();
    await engine.start();
    plugin = await PluginProcess.launch(engine.address);
  });

  after(async () => {
    await plugin.stop();
    engine.stop();
    await emulator.close();
  });

  it('sweeps a full session and finds no API key, token or HMAC secret', async () => {
    const e = emulator.endpoints;
    const client = new EmulatorClient(emulator);
    const token = await client.accessToken();
    const config = { apiKey: secret(e.apiKey), vpcEndpoint: e.vpcEndpoint, iamEndpoint: e.iamEndpoint, taggingEndpoint: e.taggingEndpoint, cosEndpoint: e.cosEndpoint, cosAccessKeyId: e.cosAccessKeyId, cosSecretAccessKey: secret(HMAC_SECRET) };
    const checked = await call('checkConfig', requests.checkConfig(config));
    await call('checkConfig', requests.checkConfig({ ...config, region: 'mars-north', apiKey: e.apiKey }));
    await call('diffConfig', requests.diffConfig(config, { ...config, apiKey: secret('rotated-key-0000000000') }));
    await call('configure', requests.configure(checked.getInputs().toJavaScript()));

    const subnet = emulator.state.topology.data.subnets[0].id;
    const check = await call('check', requests.check('web', { target: subnet, storageBucket: 'bucket-c', tags: ['team:net'] }));
    const created = await call('create', requests.create('web', check.getInputs().toJavaScript()));
    const id = created.getId();
    const outputs = created.getProperties().toJavaScript();
    await call('read', requests.read('web', id, outputs, check.getInputs().toJavaScript()));
    await call('diff', requests.diff('web', id, outputs, { ...check.getInputs().toJavaScript(), active: false }));
    await call('update', requests.update('web', id, outputs, { ...check.getInputs().toJavaScript(), active: false }));
    await call('invoke', requests.invoke('ibmflowlogs:index:getFlowLogCollectors', { vpc: emulator.state.topology.data.vpcs[0].id }));
    await call('create', requests.create('dup', check.getInputs().toJavaScript())); // fails: target taken
    await call('check', requests.check('bad', { target: 'crn:nonsense', storageBucket: 'B!' }));
    await call('delete', requests.delete('web', id, outputs));

    // A plugin configured with a key IAM refuses: the failure must not echo the key.
    const badKey = 'wrong-key-Xy7Qa2Lm9Pz4Rt6Vw8';
    const other = await PluginProcess.launch(engine.address);
    try {
      const badChecked = await other.call('checkConfig', requests.checkConfig({ ...config, apiKey: secret(badKey) }));
      await other.call('configure', requests.configure(badChecked.getInputs().toJavaScript()));
      await other.call('create', requests.create('denied', check.getInputs().toJavaScript())).catch((error) => recorded.push(`${error.details}`));
      recorded.push(other.stdout, other.stderr);
    } finally {
      await other.stop();
    }

    recorded.push(plugin.stdout, plugin.stderr, ...engine.messages.map((m) => m.message));
    const haystack = recorded.join('\n');
    expect(recorded.length, "calls recorded").to.be.at.least(15);
    expect(haystack, 'the session produced engine log messages to sweep').to.include('waiting for collector');
    for (const [label, value] of Object.entries({ apiKey: e.apiKey, badKey, hmac: HMAC_SECRET, token, rotated: 'rotated-key-0000000000' })) {
      expect(haystack.includes(value), `${label} leaked`).to.equal(false);
    }
    expect(haystack, 'no JWT-shaped token anywhere').to.not.match(/eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\./);
  });
});

describe('rpc: an engine that does not accept secrets (ConfigureRequest.acceptSecrets false)', () => {
  const fx = useFixture({ configure: false });

  it('gets no secret wrapper in any answer, and is told the provider does not accept them either', async () => {
    const f = fx();
    const e = f.endpoints;
    // Older engines (pulumi/pulumi sdk/go/common/resource/plugin/provider_plugin.go): they send acceptSecrets false and,
    // once the provider answers false, strip secrets from requests and copy secretness back onto outputs by key.
    const req = requests.configure({ apiKey: e.apiKey, vpcEndpoint: e.vpcEndpoint, iamEndpoint: e.iamEndpoint, taggingEndpoint: e.taggingEndpoint });
    req.setAcceptsecrets(false);
    const res = await f.plugin.call('configure', req);
    expect(res.getAcceptsecrets()).to.equal(false);
    const checked = await f.check('web', { target: secret(f.ids.vpc), storageBucket: 'bucket-c', name: 'web' });
    expect(checked.inputs.target).to.equal(f.ids.vpc);
    const created = await f.create('web', { ...checked.inputs, target: secret(f.ids.vpc) });
    const read = await f.read('web', created.id, { ...created.outputs, target: secret(f.ids.vpc) }, checked.inputs);
    for (const answer of [checked.inputs, created.outputs, read.outputs, read.inputs]) expect(JSON.stringify(answer)).to.not.contain(SECRET_SIG);
    expect([created.outputs.target, created.outputs.vpc]).to.deep.equal([f.ids.vpc, f.ids.vpc]);
  });
});
