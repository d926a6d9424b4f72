import { expect } from 'chai';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPlugin, pluginCacheDir, PluginNotFoundError, requestedPlugin, type PluginQuery } from '../../provider/src/runner/pluginDiscovery';
import { readProject } from '../../provider/src/runner/projectFiles';

/**
 * The runner finds its plugin where the engine looks, in the engine's order (pulumi/pulumi
 * sdk/go/common/workspace/plugins.go getPluginInfoAndPath): Pulumi.yaml's plugins.providers, then PATH (unless
 * PULUMI_IGNORE_AMBIENT_PLUGINS), then $PULUMI_HOME/plugins/resource-<name>-v<version> (not while `.partial`), and
 * last the checkout's own.
 */
describe('runner: finding the plugin as the engine does', () => {
  let dir: string;
  const FILE = 'pulumi-resource-ibmflowlogs';
  const executable = (folder: string, name = FILE, mode = 0o755) => {
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, name), '#!/bin/sh\n');
    chmodSync(join(folder, name), mode);
    return join(folder, name);
  };
  let project: string;
  let onPath: string;
  let cached: string;
  let checkout: string;
  const query = (over: Partial<PluginQuery> & { env?: NodeJS.ProcessEnv } = {}): PluginQuery => ({
    name: 'ibmflowlogs',
    version: '0.1.0',
    projectPlugins: [{ name: 'ibmflowlogs', path: join(dir, 'project-bin') }],
    env: { PATH: `${join(dir, 'nothing-here')}:${join(dir, 'path-bin')}`, PULUMI_HOME: join(dir, 'home') },
    checkoutPlugin: checkout,
    platform: 'linux',
    ...over,
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'plugin-discovery-'));
    project = executable(join(dir, 'project-bin'));
    onPath = executable(join(dir, 'path-bin'));
    cached = executable(join(dir, 'home/plugins/resource-ibmflowlogs-v0.1.0'));
    checkout = executable(join(dir, 'checkout/provider/bin'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the first of: plugins.providers, PATH, the plugin cache, the checkout', () => {
    const env = query().env;
    const cases: Array<[string, PluginQuery, string, string]> = [
      ['a project entry wins', query(), project, 'project'],
      ['a project entry of another version is skipped', query({ projectPlugins: [{ name: 'ibmflowlogs', path: join(dir, 'project-bin'), version: '0.2.0' }] }), onPath, 'path'],
      ['a project entry of the same version (v-prefixed) is used', query({ projectPlugins: [{ name: 'ibmflowlogs', path: join(dir, 'project-bin'), version: 'v0.1.0' }] }), project, 'project'],
      ['a project entry of another plugin is skipped', query({ projectPlugins: [{ name: 'random', path: join(dir, 'project-bin') }] }), onPath, 'path'],
      ['PATH before the cache', query({ projectPlugins: [] }), onPath, 'path'],
      ['PULUMI_IGNORE_AMBIENT_PLUGINS=1 skips PATH', query({ projectPlugins: [], env: { ...env, PULUMI_IGNORE_AMBIENT_PLUGINS: '1' } }), cached, 'cache'],
      ['PULUMI_IGNORE_AMBIENT_PLUGINS=TRUE skips PATH', query({ projectPlugins: [], env: { ...env, PULUMI_IGNORE_AMBIENT_PLUGINS: 'TRUE' } }), cached, 'cache'],
      ['PULUMI_IGNORE_AMBIENT_PLUGINS=0 does not', query({ projectPlugins: [], env: { ...env, PULUMI_IGNORE_AMBIENT_PLUGINS: '0' } }), onPath, 'path'],
      ['the cache when PATH has none', query({ projectPlugins: [], env: { ...env, PATH: join(dir, 'nothing-here') } }), cached, 'cache'],
      ['the cache holds only the version asked for', query({ projectPlugins: [], version: '0.2.0', env: { ...env, PATH: '' } }), checkout, 'checkout'],
    ];
    for (const [what, q, path, source] of cases) expect(findPlugin(q), what).to.deep.equal({ path, source });
  });

  it('skips a non-executable file on PATH, and a cache folder whose install is not finished (.partial)', () => {
    rmSync(onPath);
    executable(join(dir, 'path-bin'), FILE, 0o644);
    expect(findPlugin(query({ projectPlugins: [] })).source).to.equal('cache');
    writeFileSync(`${join(dir, 'home/plugins/resource-ibmflowlogs-v0.1.0')}.partial`, '');
    expect(findPlugin(query({ projectPlugins: [] })).source).to.equal('checkout');
  });

  it('on Windows, tries .exe then .cmd in a plugin folder, and PATHEXT on PATH', () => {
    const win = join(dir, 'win');
    executable(win, `${FILE}.cmd`);
    expect(findPlugin(query({ platform: 'win32', projectPlugins: [{ name: 'ibmflowlogs', path: win }] })).path).to.equal(join(win, `${FILE}.cmd`));
    executable(win, `${FILE}.exe`);
    expect(findPlugin(query({ platform: 'win32', projectPlugins: [{ name: 'ibmflowlogs', path: win }] })).path).to.equal(join(win, `${FILE}.exe`));
    expect(findPlugin(query({ platform: 'win32', projectPlugins: [], env: { PATH: win, PATHEXT: '.cmd;.exe' } })).path).to.equal(join(win, `${FILE}.cmd`));
  });

  it('PULUMI_HOME defaults to ~/.pulumi', () => {
    expect(pluginCacheDir({ PULUMI_HOME: '/x' })).to.equal('/x/plugins');
    expect(pluginCacheDir({})).to.match(/[/\\]\.pulumi[/\\]plugins$/);
  });

  it('finding none, says so in the engine\'s words, where it looked, and how to install it', () => {
    const q = query({ projectPlugins: [], env: { PATH: '', PULUMI_HOME: join(dir, 'empty') }, checkoutPlugin: undefined, pluginDownloadURL: 'github://api.github.com/o/r' });
    expect(() => findPlugin(q))
      .to.throw(PluginNotFoundError)
      .with.property(
        'message',
        `no resource plugin '${FILE}' found in the workspace at version v0.1.0 or on your $PATH from github://api.github.com/o/r. Looked in Pulumi.yaml's plugins.providers, PATH, ` +
          `and ${join(dir, 'empty/plugins/resource-ibmflowlogs-v0.1.0')}. Install it with \`pulumi plugin install resource ibmflowlogs 0.1.0 --server github://api.github.com/o/r\`, ` +
          `or unpack its release tarball (${FILE}-v0.1.0-<os>-<arch>.tar.gz) into that folder`,
      );
  });

  it('asks for the version of the SDK the program resolves (its package.json pulumi stanza), else the runner\'s own', () => {
    const sdk = join(dir, 'program/node_modules/@ibmflowlogs/pulumi');
    mkdirSync(sdk, { recursive: true });
    writeFileSync(join(sdk, 'package.json'), JSON.stringify({ name: '@ibmflowlogs/pulumi', version: '9.9.9', pulumi: { resource: true, name: 'ibmflowlogs', version: '9.9.8', server: 'github://api.github.com/o/r' } }));
    expect(requestedPlugin(join(dir, 'program'))).to.deep.equal({ version: '9.9.8', pluginDownloadURL: 'github://api.github.com/o/r' });
    const own = requestedPlugin(join(dir, 'elsewhere'));
    expect(own.version).to.equal(require('../../../package.json').version);
  });

  it('reads plugins.providers from Pulumi.yaml: paths relative to the project, and says what is wrong with an entry', () => {
    const proj = join(dir, 'proj');
    mkdirSync(join(proj, 'bin'), { recursive: true });
    writeFileSync(join(proj, 'index.ts'), '');
    writeFileSync(join(proj, 'Pulumi.yaml'), 'name: p\nruntime: nodejs\nplugins:\n  providers:\n    - name: ibmflowlogs\n      path: ./bin\n      version: 0.1.0\n');
    expect(readProject(proj, 'dev').plugins).to.deep.equal([{ name: 'ibmflowlogs', path: join(proj, 'bin'), version: '0.1.0' }]);
    const cases: Array<[string, string]> = [
      ['plugins:\n  providers: {name: x}\n', 'plugins.providers must be a list of {name, path, version?}'],
      ['plugins:\n  providers:\n    - path: ./bin\n', 'plugins.providers[0].name must be a non-empty string; received undefined'],
      ['plugins:\n  providers:\n    - name: ibmflowlogs\n', 'plugins.providers[0].path must be the folder that holds pulumi-resource-ibmflowlogs; received undefined'],
      ['plugins:\n  providers:\n    - name: ibmflowlogs\n      path: ./nope\n', `plugins.providers[0].path: no folder at path '${join(proj, 'nope')}'`],
      ['plugins:\n  providers:\n    - name: ibmflowlogs\n      path: ./index.ts\n', `plugins.providers[0].path: provider folder '${join(proj, 'index.ts')}' is not a directory`],
      ['plugins:\n  providers:\n    - name: ibmflowlogs\n      path: ./bin\n      version: latest\n', 'plugins.providers[0].version must be a semantic version such as 0.1.0; received "latest"'],
    ];
    for (const [yaml, message] of cases) {
      writeFileSync(join(proj, 'Pulumi.yaml'), `name: p\nruntime: nodejs\n${yaml}`);
      expect(() => readProject(proj, 'dev'), yaml).to.throw(message);
    }
  });
});
