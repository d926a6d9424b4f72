import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The layers of README.md's layout table, checked against every import of the code: a folder imports only what its
 * row's "may import" column allows (README.md, "Layout": imports go one way; the emulator never imports provider/). The
 * table is read from the README, so the two cannot drift apart.
 */
const ROOT = resolve(__dirname, '../../..');
const SRC = 'provider/src/';

interface Layer {
  /** Repository-relative folder, ending with "/". */
  path: string;
  /** Repository-relative folders (ending with "/") or files (no extension) it may import; 'anything' for no limit. */
  allowed: 'anything' | string[];
  /** Packages: none at all, or none of @pulumi. */
  noPackages: boolean;
  noPulumi: boolean;
}

/** The rows of the README's "### Layout" table. */
function layersFromReadme(): Layer[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Layout'), readme.indexOf('\n### ', readme.indexOf('### Layout') + 1));
  const layers: Layer[] = [];
  for (const line of section.split('\n')) {
    const m = /^\| `([^`]+)` \|(.*)\|(.*)\|\s*$/.exec(line);
    if (!m) continue;
    const [, path, holds, mayImport] = m;
    const cell = mayImport.trim();
    const allowed: Layer['allowed'] = cell.startsWith('anything')
      ? 'anything'
      : cell.startsWith('nothing')
        ? []
        : [...cell.matchAll(/`([^`]+)`/g)].map(([, token]) => (token.startsWith('provider/') || token.startsWith('emulator/') ? token : SRC + token).replace(/\.ts$/, ''));
    layers.push({ path, allowed, noPackages: /\bno packages\b/.test(holds), noPulumi: /\bno Pulumi packages\b/.test(holds) });
  }
  return layers;
}

/** The layer a repository-relative path belongs to: the row with the longest matching folder. */
function layerOf(layers: Layer[], path: string): Layer | undefined {
  return layers.filter((l) => path.startsWith(l.path) || `${path}/` === l.path).sort((a, b) => b.path.length - a.path.length)[0];
}

/** What a relative import names, repository-relative: a file without extension, or a folder ending with "/". */
function targetOf(file: string, specifier: string): string {
  const abs = resolve(ROOT, dirname(file), specifier);
  const rel = relative(ROOT, abs).split('\\').join('/');
  if (existsSync(`${abs}.ts`) || existsSync(`${abs}.js`)) return rel.replace(/\.(ts|js)$/, '');
  return existsSync(abs) && statSync(abs).isDirectory() ? `${rel}/` : rel.replace(/\.(ts|js|json)$/, '');
}

/** Every import of `source` (a file at repository-relative `file`) that its layer does not allow. */
function violations(layers: Layer[], file: string, source: string): string[] {
  const from = layerOf(layers, file);
  if (!from) return [];
  const out: string[] = [];
  for (const { fileName: specifier } of ts.preProcessFile(source, true, true).importedFiles) {
    if (!specifier.startsWith('.')) {
      if (from.noPackages) out.push(`${file} imports "${specifier}": ${from.path} imports no packages (nor Node's modules)`);
      else if (from.noPulumi && specifier.startsWith('@pulumi/')) out.push(`${file} imports "${specifier}": ${from.path} imports no Pulumi packages`);
      continue;
    }
    const target = targetOf(file, specifier);
    if (target.startsWith(from.path) || from.allowed === 'anything') continue;
    const ok = from.allowed.some((a) => (a.endsWith('/') ? target.startsWith(a) : target === a));
    if (!ok) out.push(`${file} imports "${specifier}" (${target}): ${from.path} may import ${from.allowed.length === 0 ? 'nothing outside itself' : from.allowed.join(', ')}`);
  }
  return out;
}

function tsFiles(dir: string): string[] {
  const abs = join(ROOT, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { withFileTypes: true }).flatMap((d) => {
    if (d.name === 'node_modules' || d.name === 'bin') return [];
    const rel = `${dir}${d.name}`;
    if (d.isDirectory()) return tsFiles(`${rel}/`);
    return d.name.endsWith('.ts') && !d.name.endsWith('.d.ts') ? [rel] : [];
  });
}

describe('layers: imports follow the README\'s layout table', () => {
  const layers = layersFromReadme();

  it('the table has a row for every folder of provider/src, the emulator and the SDK', () => {
    const folders = readdirSync(join(ROOT, SRC), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `${SRC}${d.name}/`);
    expect(layers.map((l) => l.path)).to.include.members([...folders, 'emulator/', 'sdk/nodejs/']);
    expect(layers.find((l) => l.path === `${SRC}runner/`)!.allowed).to.deep.equal([`${SRC}rpc/codec`, `${SRC}rpc/stubs`, `${SRC}config/`, `${SRC}shared/`, `${SRC}package/`]);
  });

  it('no file imports what its layer may not (static imports, require and import())', () => {
    const files = layers.flatMap((l) => tsFiles(l.path));
    expect(files.length, 'files checked').to.be.above(150);
    expect(files.flatMap((file) => violations(layers, file, readFileSync(join(ROOT, file), 'utf8')))).to.deep.equal([]);
  });

  it('the check catches a back-edge: functions/ importing rpc/, the emulator importing provider/, a Pulumi package in ibm/', () => {
    expect(violations(layers, `${SRC}functions/example.ts`, "import { keyPath } from '../rpc/codec';")).to.deep.equal([
      `${SRC}functions/example.ts imports "../rpc/codec" (${SRC}rpc/codec): ${SRC}functions/ may import ${SRC}model/, ${SRC}ibm/, ${SRC}precedence/, ${SRC}shared/`,
    ]);
    expect(violations(layers, 'emulator/src/example.ts', "const p = require('../../provider/src/precedence');")).to.have.length(1);
    expect(violations(layers, `${SRC}ibm/example.ts`, "import * as pulumi from '@pulumi/pulumi';")).to.have.length(1);
    expect(violations(layers, `${SRC}precedence/example.ts`, "import { readFileSync } from 'node:fs';")).to.have.length(1);
  });
});
