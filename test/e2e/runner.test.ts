import { expect } from 'chai';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator/src';
import { EmulatorClient } from '../support/emulator';
import { ExampleStack, runCli } from '../support/runner';

/** A throwaway Pulumi project: Pulumi.yaml plus index.ts with `program` after the imports. */
function project(root: string, name: string, program: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Pulumi.yaml'), `name: runner-test\nruntime: nodejs\n`);
  writeFileSync(join(dir, 'index.ts'), `import * as pulumi from '@pulumi/pulumi';\nimport * as ibmflowlogs from '@ibmflowlogs/pulumi';\nconst config = new pulumi.Config();\n${program}\n`);
  return dir;
}

/**
 * The offline runner's engine behaviour beyond the examples: failures keep the state true, explicit providers,
 * get(), partial creates, replacement, secrets. Each program runs as a child process against a fresh emulator.
 */
describe('e2e: the offline runner (ibm-flowlogs run)', function () {
  this.timeout(60_000);
  let emulator: RunningEmulator;
  let client: EmulatorClient;
  let scratch: ExampleStack;
  let subnet1: string;
  let subnet2: string;

  beforeEach(async () => {
    emulator = await startEmulator({ pendingSeconds: 0, deletingSeconds: 0, log: () => undefined });
    client = new EmulatorClient(emulator);
    scratch = new ExampleStack('', emulator.endpoints);
    subnet1 = await client.idOf('subnets', 'subnet-1');
    subnet2 = await client.idOf('subnets', 'subnet-2');
  });
  afterEach(async () => {
    for (const s of made.splice(0)) s.cleanup();
    scratch.cleanup();
    await emulator.close();
  });

  /** A stack of its own for the program; its files live under the scratch stack's directory, removed after each test. */
  const stackOf = (program: string, name = 'p') => {
    const s = new ExampleStack(project(scratch.work, name, program), emulator.endpoints, 'dev');
    made.push(s);
    return s;
  };
  const made: ExampleStack[] = [];
  const collectors = async () => (await client.control('GET', '/state')).body.collectors as Array<{ id: string; name: string; storage_bucket: { name: string }; active: boolean }>;

  it('replaces a collector whose bucket changes (one collector per target: delete, then create) and deletes one gone from the program', async () => {
    const two = `new ibmflowlogs.FlowLogCollector('a', { target: '${subnet1}', storageBucket: config.get('bucket') ?? 'bucket-c' });\nif (config.getBoolean('b') ?? true) new ibmflowlogs.FlowLogCollector('b', { target: '${subnet2}', storageBucket: 'bucket-c' });`;
    const s = stackOf(two);
    expect((await s.run('up')).code).to.equal(0);
    const before = await collectors();
    const preview = await s.run('preview', { 'runner-test:bucket': 'bucket-e', 'runner-test:b': 'false' });
    expect(preview.stdout).to.match(/\+- +ibmflowlogs:index:FlowLogCollector +a +replace +\[diff: ~storageBucket\]/);
    expect(preview.stdout).to.contain('~ storageBucket: "bucket-c" => "bucket-e"   [forces replacement]');
    expect(preview.stdout).to.match(/- +ibmflowlogs:index:FlowLogCollector +b +delete/);
    expect(await collectors()).to.deep.equal(before);

    const up = await s.run('up', { 'runner-test:bucket': 'bucket-e', 'runner-test:b': 'false' });
    expect(up.code, up.stdout).to.equal(0);
    const after = await collectors();
    expect(after.map((c) => c.storage_bucket.name)).to.deep.equal(['bucket-e']);
    expect(before.map((c) => c.id)).not.to.include(after[0].id);
    expect(s.state().resources.map((r) => [r.name, r.id])).to.deep.equal([['a', after[0].id]]);
  });

  it('an erroring program deletes nothing: resources it did not reach stay in the cloud and in the state', async () => {
    const s = stackOf(`new ibmflowlogs.FlowLogCollector('a', { target: '${subnet1}', storageBucket: 'bucket-c' });\nif (config.getBoolean('explode')) throw new Error('the program broke');`);
    expect((await s.run('up')).code).to.equal(0);
    writeFileSync(join(s.dir, 'index.ts'), `import * as pulumi from '@pulumi/pulumi';\nthrow new Error('the program broke before registering anything');\n`);
    const run = await s.run('up');
    expect(run.code).to.equal(1);
    expect(run.stdout).to.contain('error: the program broke before registering anything');
    expect(run.stdout).not.to.match(/deleted/);
    expect(await collectors()).to.have.length(1);
    expect(s.state().resources.map((r) => r.name)).to.deep.equal(['a']);
  });

  it('refuses resources of packages it does not run, by name', async () => {
    const s = stackOf(`new pulumi.CustomResource('aws:s3/bucket:Bucket', 'logs', {});`);
    const run = await s.run('up');
    expect(run.code).to.equal(1);
    expect(run.stdout).to.contain('aws:s3/bucket:Bucket is neither');
  });

  it('runs an explicit provider whose apiKey is a secret: the key is in no output, no state file, no message', async () => {
    const s = stackOf(`const p = new ibmflowlogs.Provider('ibm', { apiKey: config.requireSecret('apiKey'), region: 'us-south' });\nnew ibmflowlogs.FlowLogCollector('a', { target: '${subnet1}', storageBucket: 'bucket-c' }, { provider: p });`);
    const apiKey = emulator.endpoints.apiKey;
    const up = await s.run('up', { 'runner-test:apiKey': apiKey });
    expect(up.code, up.stdout + up.stderr).to.equal(0);
    const [p, c] = s.state().resources;
    expect([p.type, c.type]).to.deep.equal(['pulumi:providers:ibmflowlogs', 'ibmflowlogs:index:FlowLogCollector']);
    // The collector went through the explicit provider, not the default one.
    expect(c.provider).to.equal(`${p.urn}::${p.id}`);
    // destroy runs without the program: the provider comes back from the state, its secret from --emulator.
    const destroy = await s.run('destroy');
    expect(destroy.code, destroy.stdout).to.equal(0);
    expect(await collectors()).to.deep.equal([]);
    for (const text of [up.stdout, up.stderr, destroy.stdout, destroy.stderr, readFileSync(s.stateFile, 'utf8')]) expect(text).not.to.contain(apiKey);
  });

  it('get() reads a collector it does not manage, and destroy leaves that collector alone', async () => {
    const created = await client.createCollector({ name: 'foreign', target: { id: subnet2 }, storage_bucket: { name: 'bucket-e' } });
    const s = stackOf(`export const bucket = ibmflowlogs.FlowLogCollector.get('foreign', '${created.id}').storageBucket;`);
    const up = await s.run('up');
    expect(up.code, up.stdout).to.equal(0);
    expect(s.state().outputs.bucket).to.equal('bucket-e');
    expect((await s.run('destroy')).code).to.equal(0);
    expect((await collectors()).map((c) => c.name)).to.deep.equal(['foreign']);
  });

  it('a collector that ends failed is kept in the state with its id, so destroy still deletes it', async () => {
    await client.control('POST', '/lifecycle', { outcome: 'failed', count: 1 });
    const s = stackOf(`new ibmflowlogs.FlowLogCollector('a', { target: '${subnet1}', storageBucket: 'bucket-c' });`);
    const up = await s.run('up');
    expect(up.code).to.equal(1);
    const [c] = await collectors();
    const saved = s.state().resources.find((r) => r.name === 'a')!;
    expect(saved.id).to.equal(c.id);
    expect(saved.initErrors).to.have.length.greaterThan(0);
    expect((await s.run('destroy')).code).to.equal(0);
    expect(await collectors()).to.deep.equal([]);
  });

  it('usage errors exit 2 with what is wrong', async () => {
    const none = await runCli(['run', 'deploy']);
    expect(none.code).to.equal(2);
    expect(none.stderr).to.contain('run takes one of preview, up, refresh, destroy, import; received "deploy"');
    const missing = await runCli(['run', 'up', '--cwd', scratch.work]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain(`no Pulumi.yaml in ${scratch.work}`);
    const help = await runCli(['run', '--help']);
    expect(help.stdout).to.contain('The offline runner, for demos and tests');
  });
});
