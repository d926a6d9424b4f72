import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator/src';
import { EmulatorClient } from '../support/emulator';
import { ExampleStack } from '../support/runner';

/**
 * `resourceGroup` by name through the offline runner with --emulator: the emulator's endpoints line carries
 * resourceManagerEndpoint, which the runner gives the plugin (provider/src/cli/runCommand.ts emulatorOverrides), so
 * the name resolves against the emulator; the state keeps the id and the next preview changes nothing.
 */
describe('e2e: resourceGroup by name (ibm-flowlogs run)', function () {
  this.timeout(60_000);
  let emulator: RunningEmulator;
  let stack: ExampleStack;
  /** Holds the endpoints line and the project directory. */
  let scratch: ExampleStack;

  before(async () => {
    emulator = await startEmulator({ pendingSeconds: 0, deletingSeconds: 0, log: () => undefined });
    const client = new EmulatorClient(emulator);
    const subnet = await client.idOf('subnets', 'subnet-1');
    scratch = new ExampleStack('', emulator.endpoints);
    const dir = join(scratch.work, 'p');
    mkdirSync(dir);
    writeFileSync(join(dir, 'Pulumi.yaml'), 'name: rg-test\nruntime: nodejs\n');
    writeFileSync(join(dir, 'index.ts'), `import * as ibmflowlogs from '@ibmflowlogs/pulumi';\nnew ibmflowlogs.FlowLogCollector('c', { target: '${subnet}', storageBucket: 'bucket-c', resourceGroup: 'network' });\n`);
    stack = new ExampleStack(dir, emulator.endpoints, 'dev');
  });
  after(async () => {
    stack.cleanup();
    scratch.cleanup();
    await emulator.close();
  });

  it('creates in the named group, keeps its id in the state, and the next preview is no change', async () => {
    const up = await stack.run('up');
    expect(up.code, up.stdout + up.stderr).to.equal(0);
    const network = (await new EmulatorClient(emulator).topology()).resourceGroups.find((g: { name: string }) => g.name === 'network').id;
    const resource = stack.state().resources.find((r) => r.name === 'c')!;
    expect([resource.inputs.resourceGroup, resource.outputs.resourceGroup, resource.outputs.resourceGroupName]).to.deep.equal([network, network, 'network']);
    const preview = await stack.run('preview');
    expect(preview.code, preview.stdout + preview.stderr).to.equal(0);
    expect(preview.stdout).to.match(/Resources:\s+1 unchanged\s*$/);
    expect(preview.stdout).to.not.match(/\[diff:/);
    expect((await stack.run('destroy')).code).to.equal(0);
  });
});
