// The documentation the schema carries for every resource and function (whatever the schema holds): an example that
// compiles against the SDK, and for a resource an `## Import` section with the `pulumi import` command; the SDK's
// TSDoc and the pages in docs/reference show them.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { generateDocs, DOCS_DIR } from '../../scripts/genDocs';
import { loadSchema, repoRoot, tokenName, type Schema } from '../../scripts/genSdk';

const ROOT = repoRoot();
const schema: Schema = loadSchema(ROOT);
const documented = (s: Schema) => [
  ...Object.entries(s.resources ?? {}).map(([token, r]) => ({ token, kind: 'resource' as const, description: r.description ?? '' })),
  ...Object.entries(s.functions ?? {}).map(([token, f]) => ({ token, kind: 'function' as const, description: f.description ?? '' })),
];
const typescriptBlocks = (description: string) => [...description.matchAll(/```typescript\n([\s\S]*?)```/g)].map((m) => m[1]);

/** Type-checks each example as a module of its own, with `@ibmflowlogs/pulumi` the SDK in sdk/nodejs. */
function compileErrors(examples: Map<string, string>): string[] {
  const dir = join(ROOT, 'dist/schema-examples'); // virtual files; @pulumi/pulumi resolves from the root's node_modules
  const files = new Map([...examples].map(([name, code]) => [join(dir, `${name}.ts`), code]));
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node'],
    baseUrl: ROOT,
    paths: { '@ibmflowlogs/pulumi': ['./sdk/nodejs'] },
  };
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => files.has(f) || fileExists(f);
  host.readFile = (f) => files.get(f) ?? readFile(f);
  host.getSourceFile = (f, lang, ...rest) => (files.has(f) ? ts.createSourceFile(f, files.get(f)!, lang) : getSourceFile(f, lang, ...rest));
  const program = ts.createProgram([...files.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.has(d.file.fileName))
    .map((d) => `${d.file!.fileName.slice(dir.length + 1)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('schema docs: an example per resource and function, an Import section per resource', () => {
  for (const { token, kind, description } of documented(schema)) {
    it(`${token}: "## Example Usage" with a TypeScript example${kind === 'resource' ? ', and "## Import" with the id and the pulumi import command' : ''}`, () => {
      expect(description).to.match(/^## Example Usage$/m);
      expect(typescriptBlocks(description), 'a ```typescript block').to.have.length.greaterThan(0);
      if (kind === 'resource') {
        const importSection = description.slice(description.search(/^## Import$/m));
        expect(description).to.match(/^## Import$/m);
        expect(importSection).to.contain(`pulumi import ${token} <name> <id>`);
      }
    });
  }

  it('every example compiles against the SDK (strict TypeScript)', function () {
    this.timeout(60_000);
    const examples = new Map<string, string>(documented(schema).flatMap(({ token, description }) => typescriptBlocks(description).map((code, i) => [`${tokenName(token)}-${i}`, code] as const)));
    // One wrong example alongside shows that the check fails on one: a misspelt input is an error.
    examples.set('misspelt', 'import * as x from "@ibmflowlogs/pulumi";\nnew x.FlowLogCollector("a", { target: "t", storageBuckt: "b" });\n');
    const errors = compileErrors(examples);
    expect(errors.filter((e) => !e.startsWith('misspelt.ts'))).to.deep.equal([]);
    expect(errors.filter((e) => e.startsWith('misspelt.ts'))).to.have.length(1);
  });

  it("the SDK's TSDoc carries each description whole, examples and Import included", () => {
    for (const { token, kind, description } of documented(schema)) {
      const file = join(ROOT, 'sdk/nodejs', `${kind === 'resource' ? tokenName(token).charAt(0).toLowerCase() + tokenName(token).slice(1) : tokenName(token)}.ts`);
      const tsdoc = description.split('\n').map((l) => (l ? ` * ${l}` : ' *')).join('\n');
      expect(readFileSync(file, 'utf8'), file).to.contain(tsdoc);
    }
  });

  it('docs/reference has one page per resource and function, plus an index linking them, for any number of them', () => {
    const pages = generateDocs(schema);
    expect([...pages.keys()].sort()).to.deep.equal([`${DOCS_DIR}/README.md`, ...documented(schema).map((d) => `${DOCS_DIR}/${tokenName(d.token)}.md`)].sort());
    const index = pages.get(`${DOCS_DIR}/README.md`)!;
    for (const d of documented(schema)) expect(index).to.contain(`](${tokenName(d.token)}.md)`);
    // A second resource and function (as the schema will grow) each get their page, with the Import section last.
    const grown: Schema = JSON.parse(JSON.stringify(schema));
    grown.resources!['ibmflowlogs:index:Other'] = { description: 'Another.\n\n## Example Usage\n\nx\n\n## Import\n\n$ pulumi import ibmflowlogs:index:Other <name> <id>', inputProperties: { a: { type: 'string' } }, properties: { b: { type: 'integer' } } };
    grown.functions!['ibmflowlogs:index:getOther'] = { description: 'Looks.', inputs: { properties: {} }, outputs: { properties: { c: { type: 'boolean' } } } };
    const more = generateDocs(grown);
    expect(more.size).to.equal(pages.size + 2);
    const other = more.get(`${DOCS_DIR}/Other.md`)!;
    expect(other.trimEnd().endsWith('$ pulumi import ibmflowlogs:index:Other <name> <id>')).to.equal(true);
    expect(other).to.contain('| `a` | `string` | no |');
    expect(other).to.contain('| `b` | `number` |');
    expect(more.get(`${DOCS_DIR}/getOther.md`)).to.contain('| `c` | `boolean` |');
    expect(more.get(`${DOCS_DIR}/README.md`)).to.contain('- [Other](Other.md): Another.');
  });
});
