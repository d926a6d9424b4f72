/**
 * Which plugin executable the runner starts, found the way the engine finds one (pulumi/pulumi
 * sdk/go/common/workspace/plugins.go, getPluginInfoAndPath):
 *
 * 1. a `plugins.providers` entry of Pulumi.yaml with the plugin's name (its `path` is a folder, relative to the
 *    project; an entry whose `version` differs from the one asked for is skipped);
 * 2. PATH, unless PULUMI_IGNORE_AMBIENT_PLUGINS is `1` or `true`;
 * 3. the plugin cache: `$PULUMI_HOME/plugins/resource-<name>-v<version>/` (PULUMI_HOME defaults to `~/.pulumi`),
 *    skipped while `<folder>.partial` exists (an install in progress or failed, pkg/pluginstorage/download.go).
 *
 * In a folder the executable is `pulumi-resource-<name>`, tried with `.exe` then `.cmd` on Windows. The runner adds
 * one last place of its own: the plugin of the checkout it runs from (provider/bin), as the engine looks beside
 * its own executable for the plugins it bundles, so that a checkout's examples and scratch programs run with its
 * build.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { packageVersion, schemaText } from '../package/info';
import { PACKAGE } from '../config';
import { PLUGIN } from './pluginProcess';
import type { Project } from './projectFiles';

export interface ProjectPlugin {
  name: string;
  /** Absolute path of the folder that holds the executable. */
  path: string;
  version?: string;
}

export type PluginSource = 'project' | 'path' | 'cache' | 'checkout';

export interface FoundPlugin {
  path: string;
  source: PluginSource;
}

export interface PluginQuery {
  /** The plugin's name, e.g. `ibmflowlogs`. */
  name: string;
  /** The version the program asks for (its SDK's), e.g. `0.1.0`. */
  version: string;
  /** Where the SDK says the plugin is downloaded from, for the message when there is none. */
  pluginDownloadURL?: string;
  projectPlugins: readonly ProjectPlugin[];
  env: NodeJS.ProcessEnv;
  /** The checkout's own plugin, tried last; absent outside a checkout. */
  checkoutPlugin?: string;
  platform?: NodeJS.Platform;
}

/** No plugin anywhere the engine looks: the engine's message (MissingError), and how to install one. */
export class PluginNotFoundError extends Error {
  override readonly name = 'PluginNotFoundError';
}

const isTruthy = (v: string | undefined) => v === '1' || v?.toLowerCase() === 'true';
const normalizeVersion = (v: string) => v.replace(/^v/, '');

function isExecutableFile(path: string, platform: NodeJS.Platform): boolean {
  try {
    const st = statSync(path);
    return st.isFile() && (platform === 'win32' || (st.mode & 0o111) !== 0);
  } catch {
    return false;
  }
}

/** The engine's getCandidateExtensions. */
const extensionsOf = (platform: NodeJS.Platform) => (platform === 'win32' ? ['.exe', '.cmd'] : ['']);

/** The executable in a plugin folder: the first candidate that exists, else the first candidate (as the engine). */
function executableIn(dir: string, file: string, platform: NodeJS.Platform): string {
  const candidates = extensionsOf(platform).map((ext) => join(dir, file + ext));
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}

/** exec.LookPath: the first PATH entry holding an executable `file` (with PATHEXT's extensions on Windows). */
function lookPath(file: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | undefined {
  const exts = platform === 'win32' ? (env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean) : [''];
  for (const dir of (env.PATH ?? '').split(platform === 'win32' ? ';' : ':')) {
    for (const ext of exts) {
      const candidate = resolve(dir === '' ? '.' : dir, file + ext);
      if (isExecutableFile(candidate, platform)) return candidate;
    }
  }
  return undefined;
}

/** The engine's plugin folder: $PULUMI_HOME/plugins, PULUMI_HOME defaulting to ~/.pulumi. */
export function pluginCacheDir(env: NodeJS.ProcessEnv): string {
  return join(env.PULUMI_HOME || join(homedir(), '.pulumi'), 'plugins');
}

export function findPlugin(q: PluginQuery): FoundPlugin {
  const platform = q.platform ?? process.platform;
  const file = `pulumi-resource-${q.name}`;
  const version = normalizeVersion(q.version);

  for (const p of q.projectPlugins) {
    if (p.name !== q.name) continue;
    if (p.version !== undefined && normalizeVersion(p.version) !== version) continue;
    return { path: executableIn(p.path, file, platform), source: 'project' };
  }

  const ambient = !isTruthy(q.env.PULUMI_IGNORE_AMBIENT_PLUGINS);
  if (ambient) {
    const onPath = lookPath(file, q.env, platform);
    if (onPath) return { path: onPath, source: 'path' };
  }

  const cached = join(pluginCacheDir(q.env), `resource-${q.name}-v${version}`);
  if (existsSync(cached) && statSync(cached).isDirectory() && !existsSync(`${cached}.partial`)) {
    return { path: executableIn(cached, file, platform), source: 'cache' };
  }

  if (q.checkoutPlugin && existsSync(q.checkoutPlugin)) return { path: q.checkoutPlugin, source: 'checkout' };

  throw new PluginNotFoundError(
    `no resource plugin '${file}' found in the workspace at version v${version}${ambient ? ' or on your $PATH' : ''}` +
      `${q.pluginDownloadURL ? ` from ${q.pluginDownloadURL}` : ''}. Looked in Pulumi.yaml's plugins.providers, ` +
      `${ambient ? 'PATH, ' : ''}and ${cached}. Install it with \`pulumi plugin install resource ${q.name} ${version}` +
      `${q.pluginDownloadURL ? ` --server ${q.pluginDownloadURL}` : ''}\`, or unpack its release tarball ` +
      `(${file}-v${version}-<os>-<arch>.tar.gz) into that folder`,
  );
}

/**
 * The plugin version a program asks for, and where from: the `pulumi` stanza of the `@ibmflowlogs/pulumi` package
 * the program resolves (what the Node.js language host's GetRequiredPlugins reports, and what the SDK's default
 * resource options carry). A program without one runs with the runner's own copy, of the runner's version.
 */
export function requestedPlugin(projectDir: string): { version: string; pluginDownloadURL?: string } {
  let file: string | undefined;
  try {
    file = require.resolve('@ibmflowlogs/pulumi/package.json', { paths: [projectDir] });
  } catch {
    file = undefined;
  }
  if (file) {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { version?: string; pulumi?: { version?: string; server?: string } };
    const version = pkg.pulumi?.version ?? pkg.version;
    if (version) return { version, pluginDownloadURL: pkg.pulumi?.server };
  }
  return { version: packageVersion(), pluginDownloadURL: (JSON.parse(schemaText()) as { pluginDownloadURL?: string }).pluginDownloadURL };
}

/** For a run: finds the project's plugin once, when a provider is first started. */
export function pluginLocator(project: Project, env: NodeJS.ProcessEnv): () => string {
  let found: FoundPlugin | undefined;
  return () => {
    found ??= findPlugin({ name: PACKAGE, ...requestedPlugin(project.dir), projectPlugins: project.plugins, env, checkoutPlugin: PLUGIN });
    return found.path;
  };
}
