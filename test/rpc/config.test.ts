import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { COLLECTORS_FN, DIFF, hermeticEnv, KIND, rpcError, useFixture } from './support/fixture';
import { provider } from '../../provider/src/rpc/stubs';
import { PluginProcess, requests, secret } from './support/plugin';

const ROOT = resolve(__dirname, '../../..');
const REGIONS = 'au-syd, br-sao, ca-mon, ca-tor, eu-de, eu-es, eu-gb, in-che, jp-osa, jp-tok, us-east, us-south';

describe('rpc: plugin info, schema and provider config (no config env vars)', () => {
  const fx = useFixture({ configure: false });

  it('GetSchema returns exactly the bytes of schema.json', async () => {
    const req = new provider.GetSchemaRequest();
    const res = await fx().plugin.call('getSchema', req);
    const file = readFileSync(resolve(ROOT, 'schema.json'));
    expect(Buffer.from(res.getSchema(), 'utf8').equals(file)).to.equal(true);
    expect(JSON.parse(res.getSchema()).name).to.equal('ibmflowlogs');
  });

  it("GetPluginInfo returns package.json's version", async () => {
    const res = await fx().plugin.call('getPluginInfo', requests.empty());
    const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8'));
    expect(res.getVersion()).to.equal(pkg.version);
    expect(res.getVersion()).to.equal('0.1.0');
  });

  it('CheckConfig without an API key anywhere fails on apiKey, naming ibmflowlogs:apiKey and both env variables', async () => {
    const { inputs, failures } = await fx().checkConfig({});
    expect(failures).to.deep.equal([
      {
        property: 'apiKey',
        reason: 'no IBM Cloud API key: set it with `pulumi config set --secret ibmflowlogs:apiKey <value>` or the environment variable IBMCLOUD_API_KEY or IC_API_KEY',
      },
    ]);
    // Defaults and environment fallbacks are Configure's business: the inputs the engine stores hold only the config.
    expect(inputs).to.deep.equal({});
  });

  it('CheckConfig refuses a region that is not a VPC region and lists the regions', async () => {
    const { failures } = await fx().checkConfig({ apiKey: secret('k-123456789'), region: 'mars-1' });
    expect(failures).to.deep.equal([{ property: 'region', reason: `region must be one of IBM Cloud's VPC regions: ${REGIONS}; received "mars-1"` }]);
  });

  it('CheckConfig coerces strings and JSON text, accepts namespaced keys, wraps the API key secret', async () => {
    const { inputs, failures } = await fx().checkConfig({ 'ibmflowlogs:region': '"eu-de"', private: 'true', apiKey: '"k-123456789"' });
    expect(failures).to.deep.equal([]);
    expect(inputs).to.deep.equal({ region: 'eu-de', apiKey: secret('k-123456789'), private: true });
    const json = await fx().checkConfig({ apiKey: secret('k-123456789'), private: 'false', region: 'jp-tok', vpcEndpoint: '"https://example.test/v1/"' });
    expect(json.failures).to.deep.equal([]);
    expect(json.inputs).to.deep.equal({ apiKey: secret('k-123456789'), private: false, region: 'jp-tok', vpcEndpoint: 'https://example.test' });
  });

  it('CheckConfig reports every bad value at once, each with its key', async () => {
    const { failures } = await fx().checkConfig({ region: 'mars-1', private: 'yes', colour: 'red' });
    expect(failures.map((f) => f.property)).to.have.members(['colour', 'region', 'private', 'apiKey']);
    expect(failures.find((f) => f.property === 'private')!.reason).to.equal('private must be a boolean (true or false); received "yes"');
  });

  it('Configure takes secret-wrapped args; before it, resource calls say the provider is not configured', async () => {
    const f = fx();
    const before = await rpcError(f.invoke(COLLECTORS_FN, {}));
    expect(before.details).to.equal('the ibmflowlogs provider is not configured yet (the engine calls Configure first)');
    const e = f.endpoints;
    // Raw args as the engine sends them: the key secret-wrapped, no CheckConfig first.
    await f.plugin.call('configure', requests.configure({ apiKey: secret(e.apiKey), vpcEndpoint: e.vpcEndpoint, iamEndpoint: e.iamEndpoint, taggingEndpoint: e.taggingEndpoint }));
    const made = await f.emulator.createCollector({ target: { id: f.ids.vpc }, storage_bucket: { name: 'bucket-c' }, name: 'by-hand' });
    const { ret, failures } = await f.invoke(COLLECTORS_FN, {});
    expect(failures).to.deep.equal([]);
    expect(ret.collectors.map((c: any) => [c.id, c.name])).to.deep.equal([[made.id, 'by-hand']]);
  });

  it('DiffConfig: a region change replaces the provider (collectors are regional); the endpoints it moves do not', async () => {
    const f = fx();
    const e = f.endpoints;
    const base = { apiKey: secret(e.apiKey), vpcEndpoint: e.vpcEndpoint, iamEndpoint: e.iamEndpoint, taggingEndpoint: e.taggingEndpoint };
    const olds = (await f.checkConfig({ ...base, region: 'us-south' })).inputs;
    const news = (await f.checkConfig({ ...base, region: 'us-east' })).inputs;
    const res = await f.plugin.call('diffConfig', requests.diffConfig(olds, news));
    expect(res.getChanges()).to.equal(DIFF.DIFF_SOME);
    expect(res.getReplacesList()).to.deep.equal(['region']);
    expect(res.getDiffsList()).to.deep.equal(['region']);
    expect(res.getHasdetaileddiff()).to.equal(true);
    expect(res.getDetaileddiffMap().get('region').getKind()).to.equal(KIND.UPDATE_REPLACE);

    // With default endpoints, the region also moves the VPC endpoint: a change, but only the region replaces.
    const o2 = (await f.checkConfig({ apiKey: secret('k-123456789'), region: 'us-south' })).inputs;
    const n2 = (await f.checkConfig({ apiKey: secret('k-123456789'), region: 'eu-gb' })).inputs;
    const res2 = await f.plugin.call('diffConfig', requests.diffConfig(o2, n2));
    expect(res2.getReplacesList()).to.deep.equal(['region']);
    expect(res2.getDiffsList()).to.deep.equal(['region', 'vpcEndpoint']);
    expect(res2.getDetaileddiffMap().get('vpcEndpoint').getKind()).to.equal(KIND.UPDATE);
  });

  it('DiffConfig: endpoint, private and tagging changes update the provider in place, never replacing it', async () => {
    const f = fx();
    const e = f.endpoints;
    const olds = (await f.checkConfig({ apiKey: secret(e.apiKey), vpcEndpoint: e.vpcEndpoint, iamEndpoint: e.iamEndpoint, taggingEndpoint: e.taggingEndpoint })).inputs;
    const local = (url: string) => url.replace('127.0.0.1', 'localhost');
    const cases: Array<[string, Record<string, unknown>, string[]]> = [
      ['127.0.0.1 → localhost', { ...olds, vpcEndpoint: local(e.vpcEndpoint), iamEndpoint: local(e.iamEndpoint), taggingEndpoint: local(e.taggingEndpoint) }, ['vpcEndpoint', 'iamEndpoint', 'taggingEndpoint']],
      ['private endpoints', { apiKey: secret(e.apiKey), private: 'true' }, ['vpcEndpoint', 'iamEndpoint', 'taggingEndpoint', 'resourceManagerEndpoint', 'private']],
    ];
    for (const [what, news, changed] of cases) {
      const res = await f.plugin.call('diffConfig', requests.diffConfig(olds, (await f.checkConfig(news)).inputs));
      expect(res.getReplacesList(), what).to.deep.equal([]);
      expect(res.getDiffsList(), what).to.deep.equal(changed);
      expect(changed.map((k) => res.getDetaileddiffMap().get(k).getKind()), what).to.deep.equal(changed.map(() => KIND.UPDATE));
    }
  });

  it('Configure with only variables (older engines: `ibmflowlogs:config:<key>`, secrets unwrapped) configures a working provider', async () => {
    const f = fx();
    const e = f.endpoints;
    // pulumi/pulumi sdk/go/common/resource/plugin/provider_plugin.go Configure: every value a string under <pkg>:config:<key>.
    const req = new provider.ConfigureRequest();
    for (const [key, value] of Object.entries({ apiKey: e.apiKey, vpcEndpoint: e.vpcEndpoint, iamEndpoint: e.iamEndpoint, taggingEndpoint: e.taggingEndpoint, private: 'false' })) {
      req.getVariablesMap().set(`ibmflowlogs:config:${key}`, value);
    }
    req.setAcceptsecrets(true);
    const res = await f.plugin.call('configure', req);
    expect([res.getAcceptsecrets(), res.getSupportspreview(), res.getSupportsAutonamingConfiguration()]).to.deep.equal([true, true, true]);
    const made = await f.emulator.createCollector({ target: { id: f.ids.vpc }, storage_bucket: { name: 'bucket-c' }, name: 'by-hand' });
    const { ret, failures } = await f.invoke(COLLECTORS_FN, {});
    expect(failures).to.deep.equal([]);
    expect(ret.collectors.map((c: any) => c.id)).to.deep.equal([made.id]);
  });

  it('DiffConfig: an API key rotation is a change that does not replace; no change is DIFF_NONE', async () => {
    const f = fx();
    const olds = (await f.checkConfig({ apiKey: secret('old-key-123456') })).inputs;
    const news = (await f.checkConfig({ apiKey: secret('new-key-654321') })).inputs;
    const res = await f.plugin.call('diffConfig', requests.diffConfig(olds, news));
    expect(res.getChanges()).to.equal(DIFF.DIFF_SOME);
    expect(res.getReplacesList()).to.deep.equal([]);
    expect(res.getDiffsList()).to.deep.equal(['apiKey']);
    expect(res.getDetaileddiffMap().get('apiKey').getKind()).to.equal(KIND.UPDATE);

    const same = await f.plugin.call('diffConfig', requests.diffConfig(olds, olds));
    expect(same.getChanges()).to.equal(DIFF.DIFF_NONE);
    expect(same.getReplacesList()).to.deep.equal([]);
  });
});

describe('rpc: provider config from the environment', () => {
  const fx = useFixture({
    configure: false,
    env: (e) => ({
      IBMCLOUD_API_KEY: e.apiKey,
      IBMCLOUD_REGION: 'us-south',
      IBMCLOUD_IS_NG_API_ENDPOINT: e.vpcEndpoint,
      IBMCLOUD_IAM_API_ENDPOINT: e.iamEndpoint,
      IBMCLOUD_GT_API_ENDPOINT: e.taggingEndpoint,
    }),
  });

  it('CheckConfig with empty config passes on the IBMCLOUD_* values, writes none of them, and Configure takes them', async () => {
    const f = fx();
    const { inputs, failures } = await f.checkConfig({});
    expect(failures).to.deep.equal([]);
    // Nothing of this machine's environment (least of all its API key) goes into the inputs the engine stores.
    expect(inputs).to.deep.equal({});
    await f.plugin.call('configure', requests.configure(inputs));
    const { ret, failures: invokeFailures } = await f.invoke(COLLECTORS_FN, {});
    expect(invokeFailures).to.deep.equal([]);
    expect(ret).to.deep.equal({ collectors: [] });
  });

  it('config wins over the environment', async () => {
    const { inputs } = await fx().checkConfig({ region: 'eu-de', vpcEndpoint: 'https://example.test/v1/' });
    expect(inputs).to.deep.equal({ region: 'eu-de', vpcEndpoint: 'https://example.test' });
  });

  it('IC_API_KEY and IC_REGION are the second fallbacks: Configure authenticates with the one and names the other', async () => {
    const e = fx().endpoints;
    const plugin = await PluginProcess.launch(undefined, hermeticEnv({ IC_API_KEY: e.apiKey, IC_REGION: 'ca-tor', IBMCLOUD_IS_NG_API_ENDPOINT: e.vpcEndpoint, IBMCLOUD_IAM_API_ENDPOINT: e.iamEndpoint }));
    try {
      const res = await plugin.call('checkConfig', requests.checkConfig({}));
      expect(res.getFailuresList()).to.have.length(0);
      await plugin.call('configure', requests.configure(res.getInputs().toJavaScript()));
      // The key works (a Check that looks the target up needs a token), and the region in the answer is IC_REGION's.
      const missing = 'r006-00000000-0000-0000-0000-000000000000';
      const check = await plugin.call('check', requests.check('web', { target: missing, storageBucket: 'bucket-c' }));
      expect(check.getFailuresList().map((x: any) => x.getReason())).to.deep.equal([
        `no VPC, subnet, instance, network interface, virtual network interface or network attachment has the id or CRN "${missing}" in region ca-tor, the provider's region; a target takes an id or a CRN, not a name: check the value, or set ibmflowlogs:region to the region the target is in`,
      ]);
    } finally {
      await plugin.stop();
    }
  });
});
