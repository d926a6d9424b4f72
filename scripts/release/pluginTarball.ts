/**
 * One plugin tarball as the engine installs it (pulumi/pulumi pkg/pluginstorage/download.go extracts the archive's
 * files directly into `plugins/resource-<name>-v<version>/`, and sdk/go/common/workspace/plugins.go runs
 * `pulumi-resource-<name>` there, `.exe` or `.cmd` on Windows): the launcher, the bundled plugin, LICENSE and a
 * README that says what it needs.
 */
import { NODE_MAJOR, type PluginBundle } from './pluginBundle';
import { PACKAGE_NAME, PLUGIN_EXECUTABLE, platformName, SDK_PACKAGE, type Identity, type Platform } from './identity';
import type { TarEntry } from './tarball';

export const BUNDLE_FILE = `${PLUGIN_EXECUTABLE}.js`;

/** The Unix launcher: Node.js from PATH, with a clear message when there is none. */
export const UNIX_LAUNCHER = `#!/bin/sh
# The ${PACKAGE_NAME} resource plugin, started by the Pulumi engine. It needs Node.js ${NODE_MAJOR} or later on PATH.
command -v node >/dev/null 2>&1 || { echo "${PLUGIN_EXECUTABLE}: Node.js ${NODE_MAJOR} or later must be on PATH (https://nodejs.org)" >&2; exit 1; }
case "$0" in */*) dir="\${0%/*}" ;; *) dir=. ;; esac
exec node "$dir/${BUNDLE_FILE}" "$@"
`;

/** The Windows launcher the engine looks for after `.exe`. */
export const WINDOWS_LAUNCHER = [
  '@echo off',
  `rem The ${PACKAGE_NAME} resource plugin, started by the Pulumi engine. It needs Node.js ${NODE_MAJOR} or later on PATH.`,
  `where node >nul 2>nul || (echo ${PLUGIN_EXECUTABLE}: Node.js ${NODE_MAJOR} or later must be on PATH ^(https://nodejs.org^) 1>&2 & exit /b 1)`,
  `node "%~dp0${BUNDLE_FILE}" %*`,
  '',
].join('\r\n');

export function pluginReadme(id: Identity, p: Platform): string {
  return `# ${PLUGIN_EXECUTABLE} ${id.version} (${platformName(p)})

The Pulumi resource plugin for IBM Cloud Flow Logs for VPC: flow log collectors as resources, and in every preview
which Cloud Object Storage bucket each network interface's flow logs land in.

**Requirement: Node.js ${NODE_MAJOR} or later on PATH.** The plugin is one JavaScript file (\`${BUNDLE_FILE}\`, with
every dependency bundled) started by \`${PLUGIN_EXECUTABLE}\`${p.os === 'windows' ? ` (\`${PLUGIN_EXECUTABLE}.cmd\` on Windows)` : ''}.

Pulumi installs it by itself when a program uses the \`${SDK_PACKAGE}\` SDK (its \`pluginDownloadURL\` is
\`${id.pluginDownloadURL}\`). By hand:

    pulumi plugin install resource ${PACKAGE_NAME} ${id.version} --server ${id.pluginDownloadURL}
    pulumi plugin install resource ${PACKAGE_NAME} ${id.version} --file ${PLUGIN_EXECUTABLE}-v${id.version}-${platformName(p)}.tar.gz

Documentation, examples and the source: ${id.repositoryUrl}. License: Apache-2.0 (LICENSE, which also holds the
licenses of the npm packages bundled in the JavaScript file).
`;
}

/** @param license the project's LICENSE followed by the bundled packages' (pluginBundle.ts thirdPartyNotices) */
export function pluginEntries(p: Platform, bundle: PluginBundle, id: Identity, license: string): TarEntry[] {
  return [
    { name: PLUGIN_EXECUTABLE, content: UNIX_LAUNCHER, mode: 0o755 },
    ...(p.os === 'windows' ? [{ name: `${PLUGIN_EXECUTABLE}.cmd`, content: WINDOWS_LAUNCHER, mode: 0o755 }] : []),
    { name: BUNDLE_FILE, content: bundle.code, mode: 0o644 },
    { name: 'LICENSE', content: license, mode: 0o644 },
    { name: 'README.md', content: pluginReadme(id, p), mode: 0o644 },
  ];
}
