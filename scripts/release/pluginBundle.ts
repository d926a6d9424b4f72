/**
 * The plugin as one JavaScript file: provider/src/rpc/main.ts and everything it imports, bundled by esbuild for
 * Node.js 20, with the version and schema inlined (provider/src/package/info.ts) since nothing sits beside it.
 *
 * What must not be in it is checked against esbuild's own list of inputs: the emulator and s3rver (the CLI's, not
 * the plugin's) and any development dependency. A native addon (`.node`) cannot be bundled: esbuild stops with
 * an error naming it, so such a dependency must stay out of the modules the plugin reaches.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Identity } from './identity';

/** The oldest Node.js the plugin runs on (package.json `engines`), checked before anything else runs. */
export const NODE_MAJOR = 20;

export interface PluginBundle {
  code: string;
  /** Every source file in the bundle, relative to the repository root (esbuild's metafile inputs). */
  inputs: string[];
}

/** The npm package a path under node_modules belongs to (the innermost one), or undefined. */
export function packageOfInput(input: string): string | undefined {
  const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(input);
  return m?.[1];
}

/** The folder of the npm package a path belongs to (the innermost one), as package-lock.json keys it, or undefined. */
export function packageDirOf(input: string): string | undefined {
  const pkg = packageOfInput(input);
  return pkg ? input.slice(0, input.lastIndexOf(`node_modules/${pkg}/`) + `node_modules/${pkg}`.length) : undefined;
}

/** The folders (relative to the root) of the npm packages the inputs come from, sorted. */
export function packageDirsOf(inputs: string[]): string[] {
  return [...new Set(inputs.map(packageDirOf).filter((d): d is string => d !== undefined))].sort();
}

/**
 * The licenses of the bundled packages, for the tarball's LICENSE: bundling copies their code, and their licenses
 * (MIT, ISC, BSD, Apache-2.0) ask that their notices go with it.
 */
export function thirdPartyNotices(root: string, inputs: string[]): string {
  const parts = packageDirsOf(inputs).map((dir) => {
    const meta = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { name: string; version: string; license?: string };
    const file = existsSync(join(root, dir)) ? readdirSync(join(root, dir)).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f)) : undefined;
    const text = file ? readFileSync(join(root, dir, file), 'utf8').trim() : `License: ${meta.license ?? 'see the package on the npm registry'}`;
    return `----------------------------------------------------------------------\n${meta.name} ${meta.version}\n\n${text}\n`;
  });
  return `\n\nTHIRD-PARTY SOFTWARE BUNDLED IN THE PLUGIN\n\nThe plugin's JavaScript file contains these npm packages, each under its own license:\n\n${parts.join('\n')}`;
}

/** Why an input must not be in the plugin, or undefined when it may be. */
export function forbiddenInput(input: string, devDirs: ReadonlySet<string>): string | undefined {
  if (input.startsWith('emulator/')) return 'the emulator is the CLI\'s, not the plugin\'s';
  const pkg = packageOfInput(input);
  if (pkg === 's3rver') return 's3rver is the emulator\'s COS, not the plugin\'s';
  const dir = packageDirOf(input);
  if (pkg && dir && devDirs.has(dir)) return `${pkg} is a development dependency`;
  if (input.startsWith('test/') || input.startsWith('bench/') || input.startsWith('scripts/')) return 'tests, benchmarks and scripts stay in the repository';
  return undefined;
}

/**
 * The package folders package-lock.json marks as needed only for development (a package can be installed twice,
 * at two folders, once for development and once not).
 */
export function devPackagesOf(root: string): Set<string> {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; devOptional?: boolean }> };
  return new Set(Object.entries(lock.packages).filter(([path, entry]) => path !== '' && (entry.dev || entry.devOptional)).map(([path]) => path));
}

const NODE_CHECK =
  `if (Number(process.versions.node.split('.')[0]) < ${NODE_MAJOR}) {\n` +
  `  process.stderr.write('pulumi-resource-ibmflowlogs needs Node.js ${NODE_MAJOR} or later; ' + process.execPath + ' is ' + process.version + '\\n');\n` +
  `  process.exit(1);\n` +
  `}`;

export async function bundlePlugin(root: string, id: Identity): Promise<PluginBundle> {
  const esbuild: typeof import('esbuild') = require('esbuild');
  const result = await esbuild.build({
    stdin: { contents: "require('./provider/src/rpc/main').main(process.argv.slice(2));", resolveDir: root, sourcefile: 'plugin-entry.ts', loader: 'ts' },
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: `node${NODE_MAJOR}`,
    format: 'cjs',
    // Whitespace only: identifiers stay readable in stack traces, and full minification starts slower (its
    // rewrites put function bodies where V8 compiles them eagerly); `make bench` compares start-up with the checkout.
    minifyWhitespace: true,
    legalComments: 'none', // the licenses of the bundled packages: LICENSE and README.md in the tarball
    banner: { js: `/* ibmflowlogs plugin ${id.version}, bundled by scripts/release/pluginBundle.ts */\n${NODE_CHECK}` },
    define: { IBMFLOWLOGS_BUNDLED: JSON.stringify({ version: id.version, schema: readFileSync(join(root, 'schema.json'), 'utf8') }) },
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile!.inputs).filter((i) => i !== '<stdin>').sort();
  const dev = devPackagesOf(root);
  const bad = inputs.map((i) => [i, forbiddenInput(i, dev)] as const).filter(([, why]) => why);
  if (bad.length > 0) {
    throw new Error(`the plugin bundle must not contain these (found through provider/src/rpc/main.ts's imports):\n${bad.map(([i, why]) => `  ${i}: ${why}`).join('\n')}`);
  }
  return { code: result.outputFiles![0].text, inputs };
}
