// The generated SDK's classes behave like Pulumi's own generated ones. `pulumi.runtime.setMocks` changes global
// state, so everything that uses it stays in this one file.
import { expect } from 'chai';
import * as pulumi from '@pulumi/pulumi';

interface Registered { type: string; name: string; inputs: any; id?: string; custom?: boolean }
interface Invoked { token: string; inputs: any }

const registered: Registered[] = [];
const invoked: Invoked[] = [];

pulumi.runtime.setMocks(
  {
    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: any } {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs, id: args.id, custom: args.custom });
      return { id: args.id || `${args.name}-id`, state: { ...args.inputs, crn: `crn:v1:${args.name}`, vpc: 'r006-vpc' } };
    },
    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
      invoked.push({ token: args.token, inputs: args.inputs });
      if (args.token === 'ibmflowlogs:index:getFlowLogCollectors') return { collectors: [] };
      if (args.token === 'ibmflowlogs:index:getCoverage') return { interfaces: [], uncovered: ['0717-a'], conflicts: [] };
      return {};
    },
  },
  'sdk-shape',
  'test',
  false,
);

// imported after setMocks so the SDK's module registration happens under the mocks
// eslint-disable-next-line @typescript-eslint/no-var-requires
const sdk = require('../../sdk/nodejs') as typeof import('../../sdk/nodejs');

function value<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => { resolve(v); return v; }));
}

describe('generated SDK: shape under pulumi.runtime.setMocks', () => {
  it('FlowLogCollector registers its type with its inputs, the schema default and replaceOnChanges', async () => {
    let seenOpts: pulumi.CustomResourceOptions | undefined;
    const c = new sdk.FlowLogCollector(
      'web',
      { target: 'r006-vpc', storageBucket: 'bucket-e', tags: ['env:test'] },
      { transformations: [(a) => { seenOpts = a.opts; return undefined; }] },
    );
    const [id, crn, active] = await value(pulumi.all([c.id, c.crn, c.active]));
    expect(id).to.equal('web-id');
    expect(crn).to.equal('crn:v1:web');
    expect(active).to.equal(true);
    const reg = registered.find((r) => r.name === 'web')!;
    expect(reg.type).to.equal('ibmflowlogs:index:FlowLogCollector');
    expect(reg.custom).to.equal(true);
    expect(reg.inputs).to.deep.equal({ target: 'r006-vpc', storageBucket: 'bucket-e', tags: ['env:test'], active: true });
    expect(seenOpts?.replaceOnChanges).to.deep.equal(['resourceGroup', 'storageBucket', 'target']);
    expect(seenOpts?.version).to.equal('0.1.0');
    expect(sdk.FlowLogCollector.isInstance(c)).to.equal(true);
  });

  it('FlowLogCollector requires target and storageBucket', () => {
    expect(() => new sdk.FlowLogCollector('bad', { target: 'x' } as any)).to.throw("Missing required property 'storageBucket'");
  });

  it('FlowLogCollector.get reads by id', async () => {
    const c = sdk.FlowLogCollector.get('existing', 'r006-fl-1');
    expect(await value(c.id)).to.equal('r006-fl-1');
    const reg = registered.find((r) => r.name === 'existing')!;
    expect(reg.type).to.equal('ibmflowlogs:index:FlowLogCollector');
    expect(reg.id).to.equal('r006-fl-1');
  });

  it('getFlowLogCollectors invokes its token with its args, in plain and Output form', async () => {
    const res = await sdk.getFlowLogCollectors({ vpc: 'r006-vpc' });
    expect(res.collectors).to.deep.equal([]);
    const last = invoked[invoked.length - 1];
    expect(last.token).to.equal('ibmflowlogs:index:getFlowLogCollectors');
    expect(last.inputs).to.deep.equal({ vpc: 'r006-vpc' });

    const out = sdk.getCoverageOutput({ vpc: pulumi.output('r006-vpc'), collectors: [{ name: 'a', target: 't', storageBucket: 'b' }] });
    expect((await value(out)).uncovered).to.deep.equal(['0717-a']);
    const cov = invoked[invoked.length - 1];
    expect(cov.token).to.equal('ibmflowlogs:index:getCoverage');
    expect(cov.inputs).to.deep.equal({ vpc: 'r006-vpc', collectors: [{ name: 'a', target: 't', storageBucket: 'b' }] });
  });

  it('Provider registers pulumi:providers:ibmflowlogs with env defaults, secrets and JSON-stringified non-strings', async () => {
    const saved = process.env.IBMCLOUD_REGION;
    process.env.IBMCLOUD_REGION = 'eu-de';
    let seenOpts: pulumi.CustomResourceOptions | undefined;
    try {
      const p = new sdk.Provider('prov', { apiKey: 'k', private: true }, { transformations: [(a) => { seenOpts = a.opts; return undefined; }] });
      expect(await value(p.urn)).to.match(/pulumi:providers:ibmflowlogs::prov$/);
    } finally {
      if (saved === undefined) delete process.env.IBMCLOUD_REGION;
      else process.env.IBMCLOUD_REGION = saved;
    }
    const reg = registered.find((r) => r.name === 'prov')!;
    expect(reg.type).to.equal('pulumi:providers:ibmflowlogs');
    expect(reg.inputs.region).to.equal('eu-de');
    // pulumi.secret() on the input: the engine receives it as a secret value
    expect(reg.inputs.apiKey).to.deep.equal({ '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270', value: 'k' });
    expect(reg.inputs.private).to.equal('true');
    expect(seenOpts?.additionalSecretOutputs).to.deep.equal(['apiKey', 'cosSecretAccessKey']);
  });
});
