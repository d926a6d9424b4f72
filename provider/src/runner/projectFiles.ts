/**
 * A Pulumi project as the Pulumi CLI reads it: `Pulumi.yaml` (name, runtime, main, project config with defaults)
 * and `Pulumi.<stack>.yaml` (the stack's config). Only what the offline runner needs; secure values
 * (`secure: v1:...`) are encrypted by the Pulumi CLI and cannot be read here: they are listed, and the run goes on
 * only when each is given another way (secureValues.ts).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { load } from 'js-yaml';
import type { ProjectPlugin } from './pluginDiscovery';

export interface Project {
  dir: string;
  name: string;
  /** Absolute path of the program's entry file. */
  main: string;
  /** Namespaced config (`project:key`, `ibmflowlogs:region`) as strings, the way PULUMI_CONFIG carries it. */
  config: Record<string, string>;
  /** Pulumi.yaml's `plugins.providers`: resource plugins from a local folder. */
  plugins: ProjectPlugin[];
  /** The stack's config file (it may not exist: a stack without config). */
  stackFile: string;
  /** Namespaced keys of the stack file whose values are `secure:` and were not overridden by --config. */
  secureKeys: string[];
}

function readYaml(file: string): Record<string, any> {
  let doc: unknown;
  try {
    doc = load(readFileSync(file, 'utf8'));
  } catch (error) {
    // js-yaml's message says where: "bad indentation of a mapping entry (3:7)" and the lines around it.
    throw new Error(`${file} is not valid YAML: ${(error as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error(`${file} must hold a YAML mapping (key: value lines); it holds ${doc === null || doc === undefined ? 'nothing' : Array.isArray(doc) ? 'a list' : `a ${typeof doc}`}`);
  return doc as Record<string, any>;
}

/** The stacks a directory has config for: its Pulumi.<stack>.yaml files. */
export function stacksIn(dir: string): string[] {
  return readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** Pulumi's rule: a key without a namespace belongs to the project. */
function namespaced(key: string, project: string): string {
  return key.includes(':') ? key : `${project}:${key}`;
}

/** Config values reach programs as strings; objects and lists as JSON, as the Pulumi CLI does. */
function configString(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * `plugins.providers` as the engine reads it (pulumi/pulumi pkg/resource/plugin/host.go, parsePluginOpts): each
 * entry a `name`, a `path` to a folder (relative to the project) and an optional semantic `version`.
 */
function projectPlugins(doc: Record<string, any>, dir: string, projectFile: string): ProjectPlugin[] {
  const entries: unknown = doc.plugins?.providers ?? [];
  if (!Array.isArray(entries)) throw new Error(`${projectFile}: plugins.providers must be a list of {name, path, version?}`);
  return entries.map((entry: any, i: number) => {
    const where = `${projectFile}: plugins.providers[${i}]`;
    if (typeof entry?.name !== 'string' || entry.name === '') throw new Error(`${where}.name must be a non-empty string; received ${JSON.stringify(entry?.name)}`);
    if (typeof entry.path !== 'string' || entry.path === '') throw new Error(`${where}.path must be the folder that holds pulumi-resource-${entry.name}; received ${JSON.stringify(entry.path)}`);
    const path = isAbsolute(entry.path) ? entry.path : resolve(dir, entry.path);
    if (!existsSync(path)) throw new Error(`${where}.path: no folder at path '${path}'`);
    if (!statSync(path).isDirectory()) throw new Error(`${where}.path: provider folder '${path}' is not a directory`);
    if (entry.version !== undefined && (typeof entry.version !== 'string' || !/^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/.test(entry.version))) {
      throw new Error(`${where}.version must be a semantic version such as 0.1.0; received ${JSON.stringify(entry.version)}`);
    }
    return { name: entry.name, path, ...(entry.version !== undefined ? { version: entry.version as string } : {}) };
  });
}

/**
 * `knownStack`: the stack has a state already, so it exists without a config file. Otherwise a stack whose
 * Pulumi.<stack>.yaml is missing while other stacks have one is taken for a typo, as `pulumi up --stack` refuses a
 * stack that does not exist.
 */
export function readProject(dirArg: string, stack: string, overrides: Record<string, string> = {}, knownStack = false): Project {
  const dir = resolve(dirArg);
  if (!existsSync(dir)) throw new Error(`no directory ${dir}; pass the project's directory (the one with Pulumi.yaml) with --cwd`);
  if (!statSync(dir).isDirectory()) throw new Error(`${dir} is a file, not a directory; pass the project's directory (the one with Pulumi.yaml) with --cwd`);
  const projectFile = join(dir, 'Pulumi.yaml');
  if (!existsSync(projectFile)) throw new Error(`no Pulumi.yaml in ${dir}; pass the project's directory with --cwd`);
  const doc = readYaml(projectFile);
  if (typeof doc.name !== 'string' || doc.name === '') throw new Error(`${projectFile}: "name" must be a non-empty string`);
  const runtime = typeof doc.runtime === 'object' && doc.runtime !== null ? doc.runtime.name : doc.runtime;
  if (runtime !== 'nodejs') throw new Error(`${projectFile}: the offline runner runs nodejs programs; runtime is ${JSON.stringify(runtime)}`);
  const mainArg = typeof doc.main === 'string' ? doc.main : '';
  const mainCandidates = mainArg ? [join(dir, mainArg), join(dir, mainArg, 'index.ts'), join(dir, mainArg, 'index.js')] : [join(dir, 'index.ts'), join(dir, 'index.js')];
  const main = mainCandidates.find((f) => existsSync(f) && !f.endsWith('/'));
  if (!main) throw new Error(`${projectFile}: no program found (looked for ${mainCandidates.join(', ')})`);

  const config: Record<string, string> = {};
  // Project-level config: `key: {default: v}` or `key: v` (Pulumi.yaml schema).
  for (const [key, spec] of Object.entries((doc.config ?? {}) as Record<string, any>)) {
    const value = typeof spec === 'object' && spec !== null && !Array.isArray(spec) ? spec.default ?? spec.value : spec;
    if (value !== undefined) config[namespaced(key, doc.name)] = configString(value);
  }
  const stackFile = join(dir, `Pulumi.${stack}.yaml`);
  const secureKeys: string[] = [];
  if (existsSync(stackFile)) {
    const stackConfig: unknown = readYaml(stackFile).config ?? {};
    if (typeof stackConfig !== 'object' || stackConfig === null || Array.isArray(stackConfig)) throw new Error(`${stackFile}: "config" must be a mapping of key: value; received ${JSON.stringify(stackConfig)}`);
    for (const [key, value] of Object.entries(stackConfig as Record<string, any>)) {
      if (typeof value === 'object' && value !== null && 'secure' in value) secureKeys.push(namespaced(key, doc.name));
      else config[namespaced(key, doc.name)] = configString(value);
    }
  } else if (!knownStack) {
    const stacks = stacksIn(dir);
    if (stacks.length > 0) {
      throw new Error(`no Pulumi.${stack}.yaml in ${dir}, and the runner has no state for stack "${stack}"; stacks here: ${stacks.join(', ')}. Pass one of them with --stack, or create Pulumi.${stack}.yaml (it may hold only "config: {}") for a new stack`);
    }
  }
  for (const [key, value] of Object.entries(overrides)) config[namespaced(key, doc.name)] = value;
  const overridden = new Set(Object.keys(overrides).map((k) => namespaced(k, doc.name)));
  return { dir, name: doc.name, main, config, plugins: projectPlugins(doc, dir, projectFile), stackFile, secureKeys: secureKeys.filter((k) => !overridden.has(k)) };
}

/** The config of one package's default provider: its namespace's keys without the namespace. */
export function providerConfig(config: Record<string, string>, pkg: string): Record<string, string> {
  const prefix = `${pkg}:`;
  return Object.fromEntries(Object.entries(config).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}
