/**
 * What a release is called, derived from the one place that says it: the root package.json (`version`,
 * `repository`). Everything else follows from here: schema.json's `version` and `pluginDownloadURL` (stamped by
 * `npm run gen:sdk`), the SDK generated from the schema, the tarball names `make dist` writes and the release
 * workflow uploads.
 *
 * The names are Pulumi's (pulumi/pulumi sdk/go/common/workspace/plugins.go): the engine downloads
 * `pulumi-resource-<name>-v<version>-<os>-<arch>.tar.gz` from the GitHub release tagged `v<version>` of the
 * repository a `github://api.github.com/<owner>/<repo>` pluginDownloadURL names.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Pulumi package name (schema.json's `name`); the plugin is `pulumi-resource-<name>`. */
export const PACKAGE_NAME = 'ibmflowlogs';
export const PLUGIN_EXECUTABLE = `pulumi-resource-${PACKAGE_NAME}`;
/** The SDK's and the CLI's npm package names. */
export const SDK_PACKAGE = '@ibmflowlogs/pulumi';
export const CLI_PACKAGE = 'ibmflowlogs';

export interface Platform {
  os: 'linux' | 'darwin' | 'windows';
  arch: 'amd64' | 'arm64';
}

/** The platforms a release has a plugin tarball for. */
export const PLATFORMS: readonly Platform[] = [
  { os: 'linux', arch: 'amd64' },
  { os: 'linux', arch: 'arm64' },
  { os: 'darwin', arch: 'amd64' },
  { os: 'darwin', arch: 'arm64' },
  { os: 'windows', arch: 'amd64' },
];

export interface Identity {
  version: string;
  /** The GitHub repository, e.g. `ibmflowlogs/pulumi-ibmflowlogs`. */
  owner: string;
  repo: string;
  /** `https://github.com/<owner>/<repo>`. */
  repositoryUrl: string;
  /** `github://api.github.com/<owner>/<repo>`: where the engine downloads the plugin from. */
  pluginDownloadURL: string;
}

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** The forms npm accepts for a GitHub `repository`: a URL (https, git+https, git+ssh, git@), `github:o/r` or `o/r`. */
const GITHUB_REPOSITORY = [
  /^(?:git\+)?(?:https?|ssh|git):\/\/(?:git@)?github\.com\/([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/,
  /^git@github\.com:([\w.-]+)\/([\w.-]+?)(?:\.git)?$/,
  /^(?:github:)?([\w.-]+)\/([\w.-]+?)(?:\.git)?$/,
];

/** The release identity of a package.json; throws with the field and the value when one is unusable. */
export function identityOf(pkg: { version?: unknown; repository?: unknown }): Identity {
  if (typeof pkg.version !== 'string' || !SEMVER.test(pkg.version)) {
    throw new Error(`package.json "version" must be a semantic version such as 0.1.0; received ${JSON.stringify(pkg.version)}`);
  }
  const repository = typeof pkg.repository === 'object' && pkg.repository !== null ? (pkg.repository as { url?: unknown }).url : pkg.repository;
  const match = typeof repository === 'string' ? GITHUB_REPOSITORY.map((re) => re.exec(repository)).find(Boolean) : undefined;
  if (!match) {
    throw new Error(
      `package.json "repository" must name a GitHub repository (the engine downloads the plugin from its releases), e.g. ` +
        `{"type": "git", "url": "git+https://github.com/OWNER/REPO.git"}; received ${JSON.stringify(pkg.repository)}`,
    );
  }
  const [, owner, repo] = match;
  return {
    version: pkg.version,
    owner,
    repo,
    repositoryUrl: `https://github.com/${owner}/${repo}`,
    pluginDownloadURL: `github://api.github.com/${owner}/${repo}`,
  };
}

export function readIdentity(root: string): Identity {
  return identityOf(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')));
}

export const platformName = (p: Platform): string => `${p.os}-${p.arch}`;

export const pluginTarballName = (version: string, p: Platform): string => `${PLUGIN_EXECUTABLE}-v${version}-${p.os}-${p.arch}.tar.gz`;

/** npm pack's file name for a package: a scope's `@` dropped and its `/` made a `-`. */
export const npmTarballName = (name: string, version: string): string => `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;

export const sdkTarballName = (version: string): string => npmTarballName(SDK_PACKAGE, version);
export const cliTarballName = (version: string): string => npmTarballName(CLI_PACKAGE, version);

/** Every file `make dist` writes into release/, sorted: the five plugin tarballs, then the two npm tarballs. */
export function releaseFiles(version: string): { plugins: string[]; npm: string[] } {
  return {
    plugins: PLATFORMS.map((p) => pluginTarballName(version, p)),
    npm: [sdkTarballName(version), cliTarballName(version)],
  };
}

/** Top-level schema fields that come from package.json, in the order they are written after `name`. */
const STAMPED = ['version', 'repository', 'pluginDownloadURL'] as const;

/**
 * schema.json with its `version`, `repository` and `pluginDownloadURL` set from the identity. The file is edited as
 * text, line by line, so that its hand-made layout (and every other line) stays as it is.
 */
export function stampSchema(text: string, id: Identity): string {
  const values: Record<(typeof STAMPED)[number], string> = { version: id.version, repository: id.repositoryUrl, pluginDownloadURL: id.pluginDownloadURL };
  const lines = text.split('\n');
  let after = lines.findIndex((l) => /^ {2}"name": /.test(l));
  if (after < 0) throw new Error('schema.json has no top-level "name" line');
  for (const key of STAMPED) {
    const line = `  ${JSON.stringify(key)}: ${JSON.stringify(values[key])},`;
    const at = lines.findIndex((l) => l.startsWith(`  ${JSON.stringify(key)}: `));
    if (at >= 0) {
      lines[at] = line;
      after = at;
    } else {
      lines.splice(after + 1, 0, line);
      after += 1;
    }
  }
  const out = lines.join('\n');
  const parsed = JSON.parse(out) as Record<string, unknown>;
  for (const key of STAMPED) if (parsed[key] !== values[key]) throw new Error(`schema.json: could not set "${key}" (is it on one line?)`);
  return out;
}
