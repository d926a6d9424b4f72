// One version, package.json's, everywhere a user or the engine sees one. (The plugin of a release tarball answers
// with it too: installAsEngine.test.ts.)
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { releaseFiles } from '../../scripts/release/identity';
import { empty } from '../../provider/src/rpc/stubs';
import { PluginProcess } from '../../provider/src/runner/pluginProcess';
import { hermeticEnv, runCli } from '../support/runner';
import { ROOT } from '../support/release';

const read = (rel: string) => readFileSync(join(ROOT, rel), 'utf8');
const VERSION = JSON.parse(read('package.json')).version as string;

describe(`one version: package.json's (${VERSION})`, () => {
  it('schema.json, the SDK (package.json, its pulumi stanza, utilities.ts) and CHANGELOG.md carry it', () => {
    expect(JSON.parse(read('schema.json')).version, 'schema.json').to.equal(VERSION);
    const sdk = JSON.parse(read('sdk/nodejs/package.json'));
    expect(sdk.version, 'sdk/nodejs/package.json version').to.equal(VERSION);
    expect(sdk.pulumi.version, 'sdk/nodejs/package.json pulumi.version').to.equal(VERSION);
    expect(read('sdk/nodejs/utilities.ts'), 'sdk/nodejs/utilities.ts').to.contain(`export const version = ${JSON.stringify(VERSION)};`);
    expect(read('CHANGELOG.md'), 'CHANGELOG.md').to.match(new RegExp(`^## \\[${VERSION.replace(/\./g, '\\.')}\\]`, 'm'));
  });

  it('the plugin answers GetPluginInfo with it', async () => {
    const plugin = await PluginProcess.launch(undefined, hermeticEnv());
    try {
      expect((await plugin.call('getPluginInfo', new empty.Empty())).getVersion()).to.equal(VERSION);
    } finally {
      await plugin.stop();
    }
  });

  it('`ibm-flowlogs --version` prints it', async () => {
    expect(await runCli(['--version'], hermeticEnv())).to.deep.equal({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('the release tarballs are named with it', () => {
    const { plugins, npm } = releaseFiles(VERSION);
    for (const name of plugins) expect(name).to.match(new RegExp(`^pulumi-resource-ibmflowlogs-v${VERSION.replace(/\./g, '\\.')}-(linux|darwin|windows)-(amd64|arm64)\\.tar\\.gz$`));
    for (const name of npm) expect(name.endsWith(`-${VERSION}.tgz`), name).to.equal(true);
  });
});
