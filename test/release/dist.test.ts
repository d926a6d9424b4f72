import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { MAX_PLUGIN_TARBALL_BYTES, releaseNotes } from '../../scripts/release/dist';
import { PLATFORMS, PLUGIN_EXECUTABLE, identityOf, npmTarballName, pluginTarballName, releaseFiles, stampSchema, type Identity } from '../../scripts/release/identity';
import { CLI_RUNTIME_DEV_DEPENDENCIES } from '../../scripts/release/npmPackages';
import { devPackagesOf, forbiddenInput, packageDirsOf, packageOfInput } from '../../scripts/release/pluginBundle';
import { BUNDLE_FILE, UNIX_LAUNCHER, WINDOWS_LAUNCHER } from '../../scripts/release/pluginTarball';
import { release, ROOT, tempDir, type Release } from '../support/release';

interface Entry {
  name: string;
  mode: number;
  body: Buffer;
}

/** The entries of a .tar.gz (ustar headers: name at 0, mode at 100, size at 124, prefix at 345). */
function entriesOf(file: string): Entry[] {
  const tar = gunzipSync(readFileSync(file));
  const out: Entry[] = [];
  for (let at = 0; at + 512 <= tar.length && tar[at] !== 0; ) {
    const field = (from: number, len: number) => tar.subarray(at + from, at + from + len).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim(), 8);
    const prefix = field(345, 155);
    out.push({ name: prefix ? `${prefix}/${field(0, 100)}` : field(0, 100), mode: parseInt(field(100, 8).trim(), 8), body: tar.subarray(at + 512, at + 512 + size) });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

const ID: Identity = identityOf({ version: '1.2.3', repository: 'github:o/r' });

describe('release: what make dist writes', function () {
  this.timeout(300_000);
  let rel: Release;
  before(async () => {
    rel = await release();
  });

  it('names come from package.json: five plugin tarballs and two npm tarballs, nothing else but the notes', () => {
    const { plugins, npm } = releaseFiles(rel.id.version);
    expect(rel.files.map((f) => f.name)).to.deep.equal([...plugins, ...npm]);
    expect(readdirSync(rel.dir).sort()).to.deep.equal([...plugins, ...npm, 'notes.md'].sort());
    expect(plugins).to.deep.equal(['linux-amd64', 'linux-arm64', 'darwin-amd64', 'darwin-arm64', 'windows-amd64'].map((p) => `${PLUGIN_EXECUTABLE}-v${rel.id.version}-${p}.tar.gz`));
    expect(npm).to.deep.equal([`ibmflowlogs-pulumi-${rel.id.version}.tgz`, `ibmflowlogs-${rel.id.version}.tgz`]);
  });

  it('each plugin tarball holds, at its root, the launcher (and .cmd on Windows), one bundled JS file, LICENSE and README.md, within 10 MB', () => {
    for (const p of PLATFORMS) {
      const file = join(rel.dir, pluginTarballName(rel.id.version, p));
      const size = rel.files.find((f) => f.name === pluginTarballName(rel.id.version, p))!.bytes;
      expect(size, file).to.be.below(MAX_PLUGIN_TARBALL_BYTES);
      const entries = entriesOf(file);
      const names = [PLUGIN_EXECUTABLE, ...(p.os === 'windows' ? [`${PLUGIN_EXECUTABLE}.cmd`] : []), BUNDLE_FILE, 'LICENSE', 'README.md'].sort();
      expect(entries.map((e) => e.name)).to.deep.equal(names);
      const byName = Object.fromEntries(entries.map((e) => [e.name, e]));
      expect(byName[PLUGIN_EXECUTABLE].mode).to.equal(0o755);
      expect(byName[PLUGIN_EXECUTABLE].body.toString()).to.equal(UNIX_LAUNCHER);
      if (p.os === 'windows') expect(byName[`${PLUGIN_EXECUTABLE}.cmd`].body.toString()).to.equal(WINDOWS_LAUNCHER);
      expect(byName['LICENSE'].body.toString()).to.match(/^\s*Apache License\s+Version 2\.0, January 2004/);
      expect(byName['LICENSE'].body.toString()).to.contain('THIRD-PARTY SOFTWARE BUNDLED IN THE PLUGIN');
      expect(byName['README.md'].body.toString()).to.contain('Node.js 20 or later on PATH');
      const js = byName[BUNDLE_FILE].body.toString();
      expect(js).to.contain(`ibmflowlogs plugin ${rel.id.version}`);
      // No emulator and no s3rver: their source files would bring these strings along.
      for (const marker of ['s3rver', 'S3rver', '_emulator/faults', 'emulator/topologies']) expect(js, marker).not.to.contain(marker);
    }
    expect(WINDOWS_LAUNCHER).to.match(/^@echo off\r\n/);
    expect(WINDOWS_LAUNCHER).to.contain(`node "%~dp0${BUNDLE_FILE}" %*\r\n`);
  });

  it('the launcher runs the JS file beside it with the engine\'s arguments, and says so when Node.js is not on PATH', () => {
    const dir = tempDir('ibmflowlogs-launcher-');
    writeFileSync(join(dir, PLUGIN_EXECUTABLE), UNIX_LAUNCHER, { mode: 0o755 });
    writeFileSync(join(dir, BUNDLE_FILE), 'process.stdout.write(JSON.stringify(process.argv.slice(2)));');
    const withNode = { PATH: `${dirname(process.execPath)}:/usr/bin:/bin` };
    expect(spawnSync(join(dir, PLUGIN_EXECUTABLE), ['127.0.0.1:1234'], { env: withNode, encoding: 'utf8' }).stdout).to.equal('["127.0.0.1:1234"]');
    expect(spawnSync('/bin/sh', [PLUGIN_EXECUTABLE, 'a b'], { cwd: dir, env: withNode, encoding: 'utf8' }).stdout).to.equal('["a b"]');
    const noNode = spawnSync('/bin/sh', [join(dir, PLUGIN_EXECUTABLE)], { env: { PATH: join(dir, 'nowhere') }, encoding: 'utf8' });
    expect(noNode.status).to.equal(1);
    expect(noNode.stderr).to.equal(`${PLUGIN_EXECUTABLE}: Node.js 20 or later must be on PATH (https://nodejs.org)\n`);
  });

  it("the SDK's npm tarball: compiled JS and .d.ts whose TSDoc has the examples and Import sections, README, LICENSE, and the plugin stanza", () => {
    const entries = entriesOf(join(rel.dir, npmTarballName('@ibmflowlogs/pulumi', rel.id.version)));
    const names = entries.map((e) => e.name);
    expect(names).to.include.members(['package/package.json', 'package/README.md', 'package/LICENSE', 'package/bin/index.js', 'package/bin/index.d.ts', 'package/bin/flowLogCollector.d.ts']);
    expect(names.filter((n) => n.endsWith('.ts') && !n.endsWith('.d.ts'))).to.deep.equal([]);
    const body = (n: string) => entries.find((e) => e.name === n)!.body.toString();
    expect(body('package/bin/flowLogCollector.d.ts')).to.contain(' * ## Import').and.contain(' * $ pulumi import ibmflowlogs:index:FlowLogCollector <name> <id>');
    const pkg = JSON.parse(body('package/package.json'));
    expect(pkg).to.deep.include({ name: '@ibmflowlogs/pulumi', version: rel.id.version, main: 'bin/index.js', types: 'bin/index.d.ts' });
    expect(pkg.pulumi).to.deep.equal({ resource: true, name: 'ibmflowlogs', version: rel.id.version, server: rel.id.pluginDownloadURL });
  });

  it("the CLI's npm tarball: the bin, the compiled code in the checkout's layout, and the root's runtime dependencies, pinned", () => {
    const entries = entriesOf(join(rel.dir, npmTarballName('ibmflowlogs', rel.id.version)));
    const names = entries.map((e) => e.name);
    expect(names).to.include.members(['package/provider/bin/ibm-flowlogs', 'package/dist/provider/src/cli/main.js', 'package/dist/emulator/src/server.js', 'package/emulator/topologies/use-case-1.json', 'package/schema.json', 'package/LICENSE', 'package/README.md']);
    expect(names.filter((n) => /^package\/(test|bench|scripts|examples)\//.test(n) || n.endsWith('.ts'))).to.deep.equal([]);
    const pkg = JSON.parse(entries.find((e) => e.name === 'package/package.json')!.body.toString());
    const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg).to.deep.include({ name: 'ibmflowlogs', version: rel.id.version, bin: { 'ibm-flowlogs': 'provider/bin/ibm-flowlogs' }, engines: { node: '>=20' } });
    expect(pkg.dependencies).to.deep.equal({ ...root.dependencies, ...Object.fromEntries(CLI_RUNTIME_DEV_DEPENDENCIES.map((d) => [d, root.devDependencies[d]])) });
    expect(entries.find((e) => e.name === 'package/provider/bin/ibm-flowlogs')!.mode & 0o111).to.not.equal(0);
  });

  it('notes.md is the version\'s section of CHANGELOG.md', () => {
    expect(readFileSync(join(rel.dir, 'notes.md'), 'utf8')).to.equal(releaseNotes(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8'), rel.id.version));
    expect(releaseNotes('# C\n\n## [Unreleased]\n\n## [1.2.3] - 2026-01-05\n\n### Fixed\n\n- a\n\n## [1.2.2]\n\n- b\n', '1.2.3')).to.equal('### Fixed\n\n- a\n');
    expect(() => releaseNotes('# C\n\n## [1.2.2]\n', '1.2.3')).to.throw('CHANGELOG.md has no section for 1.2.3');
  });
});

describe('release: identity and bundle rules (pure)', () => {
  it('reads every form npm accepts for a GitHub repository, and refuses anything else with the value', () => {
    const forms = ['github:o/r', 'o/r', 'https://github.com/o/r', 'https://github.com/o/r.git', 'git+https://github.com/o/r.git', 'git+ssh://git@github.com/o/r.git', 'git@github.com:o/r.git'];
    for (const repository of [...forms, { type: 'git', url: 'git+https://github.com/o/r.git' }]) {
      expect(identityOf({ version: '1.2.3', repository }), JSON.stringify(repository)).to.deep.equal({ version: '1.2.3', owner: 'o', repo: 'r', repositoryUrl: 'https://github.com/o/r', pluginDownloadURL: 'github://api.github.com/o/r' });
    }
    expect(() => identityOf({ version: '1.2.3', repository: 'https://gitlab.com/o/r' })).to.throw(/^package\.json "repository" must name a GitHub repository .*; received "https:\/\/gitlab\.com\/o\/r"$/);
    expect(() => identityOf({ version: 'v1', repository: 'o/r' })).to.throw('package.json "version" must be a semantic version such as 0.1.0; received "v1"');
  });

  it('stamps schema.json as text: the three lines set or added after "name", every other line kept', () => {
    const text = '{\n  "name": "x",\n  "version": "0.0.1",\n  "keywords": ["a", "b"],\n  "meta": { "k": 1 }\n}\n';
    expect(stampSchema(text, ID)).to.equal('{\n  "name": "x",\n  "version": "1.2.3",\n  "repository": "https://github.com/o/r",\n  "pluginDownloadURL": "github://api.github.com/o/r",\n  "keywords": ["a", "b"],\n  "meta": { "k": 1 }\n}\n');
    expect(stampSchema(stampSchema(text, ID), ID)).to.equal(stampSchema(text, ID));
  });

  it('keeps the emulator, s3rver and development dependencies out of the plugin', () => {
    const dev = devPackagesOf(ROOT);
    expect(['node_modules/mocha', 'node_modules/typescript', 'node_modules/esbuild'].every((d) => dev.has(d))).to.equal(true);
    expect(['node_modules/@grpc/grpc-js', 'node_modules/axios', 'node_modules/s3rver', 'node_modules/agent-base'].some((d) => dev.has(d))).to.equal(false);
    const cases: Array<[string, string | undefined]> = [
      ['provider/src/rpc/main.ts', undefined],
      ['node_modules/axios/lib/axios.js', undefined],
      ['node_modules/@grpc/grpc-js/build/src/index.js', undefined],
      ['emulator/src/server.ts', "the emulator is the CLI's, not the plugin's"],
      ['node_modules/s3rver/lib/s3rver.js', "s3rver is the emulator's COS, not the plugin's"],
      ['node_modules/typescript/lib/typescript.js', 'typescript is a development dependency'],
      ['node_modules/jsdom/node_modules/agent-base/dist/index.js', 'agent-base is a development dependency'],
      ['test/support/release.ts', 'tests, benchmarks and scripts stay in the repository'],
    ];
    for (const [input, why] of cases) expect(forbiddenInput(input, dev), input).to.equal(why);
    expect(packageOfInput('node_modules/a/node_modules/@s/b/x.js')).to.equal('@s/b');
    expect(packageDirsOf(['node_modules/a/x.js', 'node_modules/a/y/z.js', 'node_modules/a/node_modules/@s/b/x.js', 'provider/src/a.ts'])).to.deep.equal(['node_modules/a', 'node_modules/a/node_modules/@s/b']);
  });
});
