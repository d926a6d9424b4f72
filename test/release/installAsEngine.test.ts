import { expect } from 'chai';
import { type ChildProcess } from 'node:child_process';
import { copyFileSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_NAME, PLUGIN_EXECUTABLE, cliTarballName, pluginTarballName, sdkTarballName } from '../../scripts/release/identity';
import { empty, provider } from '../../provider/src/rpc/stubs';
import { PluginProcess } from '../../provider/src/runner/pluginProcess';
import { startAndReadLine, stop } from '../../bench/support/processes';
import { hermeticEnv } from '../support/runner';
import { installPluginAsEngine, npmInstall, pathWithoutCheckout, release, ROOT, run, tempDir, type Release } from '../support/release';

const EXAMPLE = join(ROOT, 'examples/umbrella-and-exceptions');

/**
 * A user's machine, played with the release's artifacts only: the linux plugin tarball unpacked into a temporary
 * PULUMI_HOME as `pulumi plugin install resource ibmflowlogs <version> --file <tgz>` unpacks it, the CLI installed
 * from its npm tarball into an empty prefix, and the umbrella-and-exceptions example as a program of its own in a
 * temporary folder with the SDK installed from its npm tarball. Nothing of the checkout is on PATH or on the module
 * path; the runner finds the plugin in the cache, as the engine would (pulumi/pulumi
 * sdk/go/common/workspace/plugins.go).
 */
describe('release: installed as the engine installs it, used outside the repository', function () {
  this.timeout(600_000);
  let rel: Release;
  let home: string;
  let pluginDir: string;
  let cli: string;
  let program: string;
  let emulator: ChildProcess | undefined;
  let endpoints: Record<string, string>;
  let endpointsFile: string;
  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
    const e = hermeticEnv({ PATH: pathWithoutCheckout(), PULUMI_HOME: home, ...extra });
    delete e.NODE_PATH;
    return e;
  };

  before(async () => {
    rel = await release();
    const version = rel.id.version;
    home = tempDir('ibmflowlogs-pulumi-home-');
    pluginDir = await installPluginAsEngine(home, PACKAGE_NAME, version, join(rel.dir, pluginTarballName(version, { os: 'linux', arch: 'amd64' })));
    const prefix = tempDir('ibmflowlogs-cli-');
    await npmInstall(prefix, [join(rel.dir, cliTarballName(version))], env());
    cli = join(prefix, 'node_modules/.bin/ibm-flowlogs');
    program = tempDir('ibmflowlogs-program-');
    for (const f of ['Pulumi.yaml', 'Pulumi.emulator.yaml', 'index.ts']) copyFileSync(join(EXAMPLE, f), join(program, f));
    const rootPkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    await npmInstall(program, [join(rel.dir, sdkTarballName(version)), `@pulumi/random@${rootPkg.dependencies['@pulumi/random']}`], env());

    const started = await startAndReadLine(cli, ['emulator', '--pending-seconds', '0', '--deleting-seconds', '0'], tempDir('ibmflowlogs-cwd-'));
    emulator = started.child;
    endpoints = JSON.parse(started.line);
    endpointsFile = join(tempDir('ibmflowlogs-endpoints-'), 'endpoints.json');
    writeFileSync(endpointsFile, `${started.line}\n`);
  });
  after(async () => {
    if (emulator) await stop(emulator);
  });

  it('the plugin unpacked into the plugin cache answers GetPluginInfo with package.json\'s version and GetSchema with schema.json', async () => {
    const plugin = await PluginProcess.launch(undefined, env(), join(pluginDir, PLUGIN_EXECUTABLE));
    try {
      const info = await plugin.call('getPluginInfo', new empty.Empty());
      expect(info.getVersion()).to.equal(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
      const schema = await plugin.call('getSchema', new provider.GetSchemaRequest());
      expect(schema.getSchema()).to.equal(readFileSync(join(ROOT, 'schema.json'), 'utf8'));
    } finally {
      await plugin.stop();
    }
  });

  it('the CLI installed from its npm tarball into an empty prefix prints --version and runs emulator and plan', async () => {
    const version = await run(cli, ['--version'], { cwd: program, env: env() });
    expect(version).to.deep.include({ code: 0, stdout: `${rel.id.version}\n` });
    // `emulator` runs (before()): its endpoints line names every endpoint the provider takes.
    expect(Object.keys(endpoints)).to.include.members(['vpcEndpoint', 'iamEndpoint', 'cosEndpoint', 'controlEndpoint', 'apiKey']);
    const planned = join(tempDir('ibmflowlogs-plan-'), 'planned.json');
    writeFileSync(planned, JSON.stringify([{ name: 'subnet-2-logs', target: '0717-705e4439-a198-4d1a-a9c4-c79c9696da5c', storageBucket: 'bucket-c' }]));
    const plan = await run(cli, ['plan', '--collectors', planned, '--format', 'json'], {
      cwd: program,
      env: env({ IBMCLOUD_API_KEY: endpoints.apiKey, IBMCLOUD_IS_NG_API_ENDPOINT: endpoints.vpcEndpoint, IBMCLOUD_IAM_API_ENDPOINT: endpoints.iamEndpoint }),
    });
    expect(plan.code, plan.stderr).to.equal(0);
    const report = JSON.parse(plan.stdout);
    expect(report.totals).to.include({ vpcs: 1, interfaces: 7, started: 3 });
    expect(report.vpcs[0].planned[0]).to.deep.include({ op: 'create', name: 'subnet-2-logs', bucket: 'bucket-c', wins: 3 });
  });

  it('the SDK installed from its npm tarball loads on its own in the program, with its version and pluginDownloadURL', async () => {
    const script = "const s = require('@ibmflowlogs/pulumi'); const u = require('@ibmflowlogs/pulumi/bin/utilities'); process.stdout.write(JSON.stringify([typeof s.FlowLogCollector, typeof s.getCoverageOutput, u.resourceOptsDefaults()]))";
    const r = await run(process.execPath, ['-e', script], { cwd: program, env: env() });
    expect(r.code, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.equal(['function', 'function', { version: rel.id.version, pluginDownloadURL: rel.id.pluginDownloadURL }]);
  });

  it('previews, deploys and destroys the example with the cached plugin and the program\'s own SDK', async () => {
    expect(require.resolve('@ibmflowlogs/pulumi', { paths: [program] }).startsWith(program)).to.equal(true);
    const state = join(tempDir('ibmflowlogs-state-'), 'state.json');
    const runner = (command: string) => run(cli, ['run', command, '--cwd', program, '--stack', 'emulator', '--emulator', endpointsFile, '--state', state], { cwd: program, env: env() });
    const collectors = async () => ((await (await fetch(`${endpoints.controlEndpoint}/state`)).json()) as { collectors: Array<{ name: string }> }).collectors;

    const preview = await runner('preview');
    expect(preview.code, preview.stderr + preview.stdout).to.equal(0);
    expect(preview.stdout).to.contain('+ 5 to create');
    expect(await collectors()).to.deep.equal([]);

    const up = await runner('up');
    expect(up.code, up.stderr + up.stdout).to.equal(0);
    expect(up.stdout).to.contain('+ 5 created');
    expect((await collectors()).map((c) => c.name.replace(/-[0-9a-f]{4}$/, '')).sort()).to.deep.equal(['instance-exception', 'subnet-exception', 'vpc-umbrella']);

    const destroy = await runner('destroy');
    expect(destroy.code, destroy.stderr + destroy.stdout).to.equal(0);
    expect(destroy.stdout).to.contain('- 5 deleted');
    expect(await collectors()).to.deep.equal([]);
  });

  it("finds the plugin through Pulumi.yaml's plugins.providers path before anything else (an empty PULUMI_HOME)", async () => {
    const local = tempDir('ibmflowlogs-local-program-');
    for (const f of ['Pulumi.emulator.yaml', 'index.ts']) copyFileSync(join(program, f), join(local, f));
    const yaml = readFileSync(join(program, 'Pulumi.yaml'), 'utf8');
    writeFileSync(join(local, 'Pulumi.yaml'), `${yaml}plugins:\n  providers:\n    - name: ${PACKAGE_NAME}\n      path: ${pluginDir}\n`);
    symlinkSync(join(program, 'node_modules'), join(local, 'node_modules'));
    const emptyHome = tempDir('ibmflowlogs-empty-home-');
    const r = await run(cli, ['run', 'preview', '--cwd', local, '--stack', 'emulator', '--emulator', endpointsFile, '--state', join(emptyHome, 'state.json')], { cwd: local, env: env({ PULUMI_HOME: emptyHome }) });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.contain('+ 5 to create');
  });

  it('without the plugin in the cache, the runner fails the preview saying where it looked and how to install it', async () => {
    const emptyHome = tempDir('ibmflowlogs-empty-home-');
    const r = await run(cli, ['run', 'preview', '--cwd', program, '--stack', 'emulator', '--emulator', endpointsFile, '--state', join(emptyHome, 'state.json')], { cwd: program, env: env({ PULUMI_HOME: emptyHome }) });
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout, r.stderr).to.contain(`error: no resource plugin '${PLUGIN_EXECUTABLE}' found in the workspace at version v${rel.id.version} or on your $PATH from ${rel.id.pluginDownloadURL}`);
    expect(r.stdout).to.contain(`${join(emptyHome, 'plugins', `resource-${PACKAGE_NAME}-v${rel.id.version}`)}. Install it with \`pulumi plugin install resource ${PACKAGE_NAME} ${rel.id.version} --server ${rel.id.pluginDownloadURL}\``);
  });
});
