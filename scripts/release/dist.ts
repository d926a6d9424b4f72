/*
 * `make dist`: the release artifacts in release/ (ignored by git), as the release workflow uploads them.
 *
 *   node dist/scripts/release/dist.js [--out DIR] [--platform OS-ARCH]... [--no-npm]
 *
 * - five plugin tarballs, pulumi-resource-ibmflowlogs-v<version>-<os>-<arch>.tar.gz (identity.ts PLATFORMS), each
 *   at most 10 MB;
 * - the SDK's and the CLI's npm tarballs (npmPackages.ts);
 * - notes.md: the version's section of CHANGELOG.md, the release's notes.
 *
 * `--platform` (repeatable) and `--no-npm` build a part only, for tests; `make dist` builds everything.
 */
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PLATFORMS, platformName, pluginTarballName, readIdentity, type Identity, type Platform } from './identity';
import { packCli, packSdk } from './npmPackages';
import { bundlePlugin, thirdPartyNotices } from './pluginBundle';
import { pluginEntries } from './pluginTarball';
import { writeTarGz } from './tarball';

export const MAX_PLUGIN_TARBALL_BYTES = 10 * 1024 * 1024;

export interface DistOptions {
  root: string;
  out: string;
  platforms?: readonly Platform[];
  npm?: boolean;
}

export interface DistFile {
  name: string;
  bytes: number;
}

/** The version's section of CHANGELOG.md, without its heading; throws when there is none. */
export function releaseNotes(changelog: string, version: string): string {
  const lines = changelog.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^## \\[?${version.replace(/\./g, '\\.')}\\]?(\\s|$)`).test(l));
  if (start < 0) throw new Error(`CHANGELOG.md has no section for ${version} ("## [${version}] - <date>"); add one before a release`);
  const end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  return `${lines.slice(start + 1, end < 0 ? undefined : end).join('\n').trim()}\n`;
}

export async function dist(options: DistOptions): Promise<{ id: Identity; files: DistFile[] }> {
  const { root, out } = options;
  const id = readIdentity(root);
  const staging = join(out, '.staging');
  rmSync(out, { recursive: true, force: true });
  const files: DistFile[] = [];
  const add = (name: string): void => {
    files.push({ name, bytes: statSync(join(out, name)).size });
  };

  const notes = releaseNotes(readFileSync(join(root, 'CHANGELOG.md'), 'utf8'), id.version);
  const bundle = await bundlePlugin(root, id);
  const license = readFileSync(join(root, 'LICENSE'), 'utf8') + thirdPartyNotices(root, bundle.inputs);
  for (const platform of options.platforms ?? PLATFORMS) {
    const name = pluginTarballName(id.version, platform);
    await writeTarGz(join(out, name), pluginEntries(platform, bundle, id, license), join(staging, platformName(platform)));
    add(name);
    const { bytes } = files[files.length - 1];
    if (bytes > MAX_PLUGIN_TARBALL_BYTES) throw new Error(`${name} is ${bytes} bytes; a plugin tarball must stay within ${MAX_PLUGIN_TARBALL_BYTES}`);
  }
  if (options.npm ?? true) {
    add(packSdk(root, out, staging, id));
    add(packCli(root, out, staging, id));
  }
  writeFileSync(join(out, 'notes.md'), notes);
  rmSync(staging, { recursive: true, force: true });
  return { id, files };
}

async function main(argv: string[]): Promise<void> {
  const root = resolve(__dirname, '../../..'); // compiled to dist/scripts/release
  const { values } = parseArgs({ args: argv, options: { out: { type: 'string' }, platform: { type: 'string', multiple: true }, 'no-npm': { type: 'boolean' } }, strict: true });
  const platforms = values.platform?.map((name) => {
    const p = PLATFORMS.find((x) => platformName(x) === name);
    if (!p) throw new Error(`--platform takes one of ${PLATFORMS.map(platformName).join(', ')}; received "${name}"`);
    return p;
  });
  const out = resolve(values.out ?? join(root, 'release'));
  const started = Date.now();
  const { files } = await dist({ root, out, platforms, npm: !values['no-npm'] });
  const width = Math.max(...files.map((f) => f.name.length));
  process.stdout.write(`wrote ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s:\n`);
  for (const f of files) process.stdout.write(`  ${f.name.padEnd(width)}  ${(f.bytes / 1024 / 1024).toFixed(2).padStart(6)} MB\n`);
  process.stdout.write(`  notes.md (CHANGELOG.md's section for the version)\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`make dist: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
