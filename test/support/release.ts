import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { dist, type DistFile } from '../../scripts/release/dist';
import type { Identity } from '../../scripts/release/identity';
import type { CommandResult } from './runner';

export const ROOT = resolve(__dirname, '../../..'); // compiled to dist/test/support

export interface Release {
  id: Identity;
  dir: string;
  files: DistFile[];
}

let built: Promise<Release> | undefined;
const made: string[] = [];
process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder outside the repository, removed when the test process ends. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Every release artifact, built once per test run by the same code as `make dist`, into a temporary folder. */
export function release(): Promise<Release> {
  built ??= (async () => {
    const dir = tempDir('ibmflowlogs-release-');
    const { id, files } = await dist({ root: ROOT, out: dir });
    return { id, dir, files };
  })();
  return built;
}

/** PATH with nothing from the checkout on it (Node.js's own folder kept, for the plugin's launcher). */
export function pathWithoutCheckout(path = process.env.PATH ?? ''): string {
  const entries = path.split(delimiter).filter((p) => p !== '' && !resolve(p).startsWith(ROOT));
  return [dirname(process.execPath), ...entries].join(delimiter);
}

/** Runs a command; never rejects. */
export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number }): Promise<CommandResult> {
  return new Promise((res) => {
    execFile(command, args, { cwd: options.cwd, env: options.env ?? process.env, timeout: options.timeout ?? 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      res({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** `npm install --prefix DIR <specs>` into an empty folder, preferring the npm cache that `npm ci` filled. */
export async function npmInstall(dir: string, specs: string[], env: NodeJS.ProcessEnv): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const r = await run('npm', ['install', '--prefix', dir, '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', ...specs], { cwd: dir, env, timeout: 300_000 });
  if (r.code !== 0) throw new Error(`npm install ${specs.join(' ')} failed (${r.code}):\n${r.stderr}`);
}

/**
 * `pulumi plugin install resource NAME VERSION --file TARBALL`, step by step as pkg/pluginstorage/download.go
 * (UnpackContents) does it: `<dir>.lock` and `<dir>.partial` while the archive's files are extracted directly into
 * `$PULUMI_HOME/plugins/resource-NAME-vVERSION/`, then both removed. Returns that folder.
 */
export async function installPluginAsEngine(pulumiHome: string, name: string, version: string, tarball: string): Promise<string> {
  const tar: typeof import('tar') = require('tar');
  const dir = join(pulumiHome, 'plugins', `resource-${name}-v${version}`);
  mkdirSync(dirname(dir), { recursive: true });
  writeFileSync(`${dir}.lock`, '');
  writeFileSync(`${dir}.partial`, '');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  await tar.x({ file: tarball, cwd: dir });
  rmSync(`${dir}.partial`);
  rmSync(`${dir}.lock`);
  return dir;
}
