import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

const ROOT = resolve(__dirname, '../../..'); // compiled to dist/test/unit
/** The folders whose source comments must cite only files of the repository. */
const SOURCE_DIRS = ['provider', 'emulator', 'sdk', 'scripts', 'bench', 'test'];
/** The repository's top-level folders: a comment's `folder/…/file` starting with one of these names a repository path. */
const TOP_LEVEL = ['provider', 'emulator', 'sdk', 'scripts', 'bench', 'test', 'docs', 'examples'];
const SKIP = new Set(['node_modules', 'dist', 'bin', '.emulator-state', '.pulumi-offline']);

/** Names in comments that are not citations, by file: each must still be in its file (the last test checks). */
const NOT_CITATIONS: Record<string, string[]> = {
  'scripts/release/dist.ts': ['notes.md'], // the release notes it writes
  'emulator/src/models/collectors.ts': ['../../outside'], // a bucket name that must never become a folder
};

/** Upstream repositories a comment may cite paths of (`pulumi/pulumi sdk/nodejs/cmd/run/run.ts`). */
const UPSTREAM = /\b(?:pulumi\/pulumi(?:-\w+)?|IBM\/[\w-]+|IBM-Cloud\/[\w-]+|hashicorp\/[\w-]+|nodejs\/node|grpc\/grpc-node|duckdb\/[\w-]+)\b/;

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (SKIP.has(entry)) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (/\.(ts|js|mjs|cjs)$/.test(entry) && !entry.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Every comment of a TypeScript or JavaScript file, with its line, from the compiler's own scanner. */
export function commentsOf(file: string, text: string): Array<{ line: number; text: string }> {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const seen = new Map<number, ts.CommentRange>();
  const visit = (node: ts.Node) => {
    for (const r of [...(ts.getLeadingCommentRanges(text, node.getFullStart()) ?? []), ...(ts.getTrailingCommentRanges(text, node.getEnd()) ?? [])]) seen.set(r.pos, r);
    ts.forEachChild(node, visit);
  };
  visit(source);
  visit(source.endOfFileToken);
  return [...seen.values()].sort((a, b) => a.pos - b.pos).map((r) => ({ line: source.getLineAndCharacterOfPosition(r.pos).line + 1, text: text.slice(r.pos, r.end) }));
}

/**
 * The files a comment cites: markdown files (`README.md`, `docs/reference/FlowLogCollector.md`), relative paths
 * (`../support/runner`) and paths from one of the repository's top-level folders (`emulator/README.md`). URLs are not
 * looked at, nor paths in a comment that names the upstream repository they are in.
 */
export function citationsIn(comment: string): string[] {
  const text = comment.replace(/\bhttps?:\/\/\S+/g, ' ');
  const upstream = UPSTREAM.test(text);
  const out: string[] = [];
  for (const raw of text.split(/[\s`'"()[\]{},;<>*|]+/)) {
    const token = raw.replace(/[.:§]+$/, '').replace(/§.*$/, '');
    if (token === '' || !/[\w]/.test(token)) continue;
    const markdown = /^[\w./-]*\w\.md$/i.test(token);
    const rel = /^\.\.?\//.test(token) && token.length > 3;
    const repoPath = token.includes('/') && TOP_LEVEL.includes(token.split('/')[0]) && token.split('/')[1] !== '';
    if (upstream && !rel && !markdown) continue;
    if (markdown || rel || repoPath) out.push(token);
  }
  return out;
}

/** Issue-tracker items a comment cites (the word issue and a number): the issues are not in the repository. */
export function issuesIn(comment: string): string[] {
  const text = comment.replace(/\bhttps?:\/\/\S+/g, ' ').replace(/\n\s*(?:\*|\/\/)/g, ' ');
  return [...text.matchAll(/\bissues?\s+#?\d+/gi)].map((m) => m[0].replace(/\s+/g, ' '));
}

/**
 * Section numbers (a section sign and a number) a comment cites without the file they are in: the repository's
 * documents number no sections, so a bare one points at a document that is not here.
 */
export function sectionsIn(comment: string): string[] {
  return [...comment.matchAll(/([\w./-]*)\s*§\s*(\d+(?:\.\d+)*)/g)].filter((m) => !/\.md$/i.test(m[1])).map((m) => `§${m[2]}`);
}

/** Whether `cited`, in a comment of `file`, names a file or folder of the repository. */
function resolves(cited: string, file: string): boolean {
  const bases = [dirname(file), ROOT];
  // A bare name (`README.md`) may be the file's folder's or any folder's up to the root.
  if (!cited.includes('/')) for (let d = dirname(file); d.startsWith(ROOT); d = dirname(d)) bases.push(d);
  return bases.some((b) => existsSync(join(b, cited)) || existsSync(`${join(b, cited)}.ts`) || existsSync(join(b, cited, 'index.ts')));
}

describe('source comments cite only files in the repository', () => {
  it('the scanner finds markdown names, relative paths and repository paths, and passes URLs and upstream paths', () => {
    expect(citationsIn('/** See design.md §4 and ../shared/reference/api.md §3 (emulator/README.md, "Topology files"). */')).to.deep.equal(['design.md', '../shared/reference/api.md', 'emulator/README.md']);
    expect(citationsIn('// pulumi/pulumi sdk/nodejs/cmd/run/run.ts and step_generator.go')).to.deep.equal([]);
    expect(citationsIn('// https://github.com/pulumi/pulumi/blob/master/README.md')).to.deep.equal([]);
    expect(citationsIn('// the collector rules, provider/src/model/collectorRules.ts')).to.deep.equal(['provider/src/model/collectorRules.ts']);
    expect(issuesIn('// the faults of issue 16 (Issue\n * 7, item 5); https://github.com/pulumi/pulumi/issues/123')).to.deep.equal(['issue 16', 'Issue 7']);
    expect(sectionsIn('// the key layout (reference §3.1), see §3.4; README.md §2')).to.deep.equal(['§3.1', '§3.4']);
    const comments = commentsOf('x.ts', "/** a.md */\nconst s = '// not.md';\nconst t = `/* nor.md */`; // b.md\n");
    expect(comments.map((c) => [c.line, c.text])).to.deep.equal([[1, '/** a.md */'], [3, '// b.md']]);
  });

  it('every file a comment in provider/, emulator/, sdk/, scripts/, bench/ or test/ cites exists, and no comment cites an issue or a section of a document not here', () => {
    const missing: string[] = [];
    for (const file of SOURCE_DIRS.flatMap((d) => (existsSync(join(ROOT, d)) ? sourceFiles(join(ROOT, d)) : []))) {
      const name = relative(ROOT, file);
      const text = readFileSync(file, 'utf8');
      const allowed = NOT_CITATIONS[name] ?? [];
      for (const c of commentsOf(file, text)) {
        for (const cited of citationsIn(c.text)) {
          if (allowed.includes(cited) || resolves(cited, file)) continue;
          missing.push(`${name}:${c.line}: ${cited}`);
        }
        for (const section of sectionsIn(c.text)) missing.push(`${name}:${c.line}: ${section} (a section of which file?)`);
        for (const issue of issuesIn(c.text)) missing.push(`${name}:${c.line}: ${issue} (say what it is about instead)`);
      }
    }
    expect(missing, `comments cite files that are not in the repository:\n${missing.join('\n')}`).to.deep.equal([]);
  });

  it('the names it lets pass are still in their files', () => {
    for (const [file, names] of Object.entries(NOT_CITATIONS)) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const n of names) expect(text.includes(n), `${file} names ${n}`).to.equal(true);
    }
  });
});
