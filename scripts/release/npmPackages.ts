/**
 * The two npm packages of a release, each staged in a folder of its own and packed by `npm pack`:
 *
 * - `@ibmflowlogs/pulumi`, the SDK: sdk/nodejs compiled with its own tsconfig (JS and `.d.ts` with the schema's
 *   TSDoc), its README and LICENSE.
 * - `ibmflowlogs`, the CLI (`ibm-flowlogs`: plan, logs, emulator, run): the compiled provider, emulator and SDK in
 *   the checkout's layout (the code finds schema.json, package.json and the emulator's topologies relative to
 *   itself), with the root package's runtime dependencies, which npm installs for the platform at hand; a native
 *   one (an addon with prebuilt binaries per platform) is installed the same way, so nothing here changes for it.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { CLI_PACKAGE, cliTarballName, sdkTarballName, type Identity } from './identity';
import { NODE_MAJOR } from './pluginBundle';

/** Development dependencies the CLI needs at run time: `run` transpiles TypeScript programs. */
export const CLI_RUNTIME_DEV_DEPENDENCIES = ['typescript'];

/** `npm pack` of a staged folder into `outDir`; returns the file name after checking it is `expected`. */
function npmPack(dir: string, outDir: string, expected: string): string {
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', outDir], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [{ filename }] = JSON.parse(out) as Array<{ filename: string }>;
  if (filename !== expected) throw new Error(`npm pack wrote ${filename}, expected ${expected}`);
  return filename;
}

export function packSdk(root: string, outDir: string, staging: string, id: Identity): string {
  const dir = join(staging, 'sdk');
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(root, 'sdk/nodejs'), dir, { recursive: true, filter: (src) => !/[/\\](bin|node_modules)$/.test(src) });
  cpSync(join(root, 'LICENSE'), join(dir, 'LICENSE'));
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
  if (pkg.version !== id.version) throw new Error(`sdk/nodejs/package.json has version ${pkg.version}, package.json ${id.version}; run \`npm run gen:sdk\``);
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'junction'); // the compiler finds @pulumi/pulumi's types
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  rmSync(join(dir, 'node_modules'));
  const file = npmPack(dir, outDir, sdkTarballName(id.version));
  rmSync(dir, { recursive: true, force: true });
  return file;
}

/** Copies the compiled `.js` files of `srcDir`'s TypeScript sources (not stale output of deleted sources). */
function copyCompiled(root: string, srcDir: string, to: string): void {
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
        const js = join(root, 'dist', child.replace(/\.ts$/, '.js'));
        if (!existsSync(js)) throw new Error(`${relative(root, js)} is missing; run \`make build\` first`);
        mkdirSync(dirname(join(to, 'dist', child)), { recursive: true });
        cpSync(js, join(to, 'dist', child.replace(/\.ts$/, '.js')));
      }
    }
  };
  walk(srcDir);
}

export function cliPackageJson(root: string, id: Identity): Record<string, unknown> {
  const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { description: string; license: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const runtimeDev = Object.fromEntries(CLI_RUNTIME_DEV_DEPENDENCIES.map((name) => [name, rootPkg.devDependencies[name]]));
  return {
    name: CLI_PACKAGE,
    version: id.version,
    description: `${rootPkg.description}: the ibm-flowlogs command (plan, logs, emulator, run)`,
    license: rootPkg.license,
    repository: { type: 'git', url: `git+${id.repositoryUrl}.git` },
    homepage: `${id.repositoryUrl}#readme`,
    engines: { node: `>=${NODE_MAJOR}` },
    bin: { 'ibm-flowlogs': 'provider/bin/ibm-flowlogs' },
    dependencies: { ...rootPkg.dependencies, ...runtimeDev },
  };
}

function cliReadme(id: Identity): string {
  return `# ibmflowlogs — the \`ibm-flowlogs\` command

For IBM Cloud Flow Logs for VPC, beside the Pulumi provider of the same name. Node.js ${NODE_MAJOR} or later.

    npm install --global ${CLI_PACKAGE}        # or: npx ${CLI_PACKAGE} <command>
    ibm-flowlogs --help

- \`ibm-flowlogs plan\`: where every network interface's flow logs land after a planned set of collectors (from
  \`pulumi preview --json\` or a JSON list), as a terminal table, a pull-request comment or JSON.
- \`ibm-flowlogs logs\`: what the flow logs in a bucket show: replies dropped by a network ACL, port scans, volume.
- \`ibm-flowlogs emulator\`: a local IBM Cloud (IAM, VPC API, Global Tagging, COS, a control API) on loopback.
- \`ibm-flowlogs run\`: an offline runner that previews and deploys a Pulumi program against the real plugin,
  for demos and tests without the Pulumi CLI.

Every command takes the provider's configuration as flags (\`--region\`, \`--api-key\`, \`--vpc-endpoint\`, ...) or
the IBM Cloud CLI's environment variables. Everything else: ${id.repositoryUrl}#readme. Version ${id.version},
Apache-2.0.
`;
}

export function packCli(root: string, outDir: string, staging: string, id: Identity): string {
  const dir = join(staging, 'cli');
  rmSync(dir, { recursive: true, force: true });
  for (const src of ['provider/src', 'emulator/src', 'sdk/nodejs']) copyCompiled(root, src, dir);
  mkdirSync(join(dir, 'provider/bin'), { recursive: true });
  cpSync(join(root, 'provider/bin/ibm-flowlogs'), join(dir, 'provider/bin/ibm-flowlogs'));
  chmodSync(join(dir, 'provider/bin/ibm-flowlogs'), 0o755);
  cpSync(join(root, 'emulator/topologies'), join(dir, 'emulator/topologies'), { recursive: true });
  for (const f of ['schema.json', 'LICENSE']) cpSync(join(root, f), join(dir, f));
  writeFileSync(join(dir, 'README.md'), cliReadme(id));
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(cliPackageJson(root, id), null, 2)}\n`);
  const file = npmPack(dir, outDir, cliTarballName(id.version));
  rmSync(dir, { recursive: true, force: true });
  return file;
}
