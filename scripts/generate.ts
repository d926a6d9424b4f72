/*
 * `npm run gen:sdk`: everything generated from package.json and schema.json, written or checked in one go.
 *
 *   node dist/scripts/generate.js            write the files
 *   node dist/scripts/generate.js --check    compare a fresh generation with the files on disk; exit 1 listing the
 *                                            files that differ (missing, changed, or stale generated files)
 */
import * as fs from 'fs';
import * as path from 'path';
import { DOCS_DIR, generateDocs } from './genDocs';
import { diffWithDisk, generate, repoRoot, SDK_DIR, type Schema } from './genSdk';
import { readIdentity, stampSchema } from './release/identity';

/** One set of generated files, checked and written together. */
export interface GeneratedSet {
  /** What it is, for messages. */
  what: string;
  /** The folder it owns (files there that are no longer generated are stale), or null for single files. */
  dir: string | null;
  files: Map<string, string>;
}

/**
 * Everything `npm run gen:sdk` makes: schema.json's release fields from package.json (scripts/release/identity.ts),
 * then, from that schema, the SDK and the reference pages in docs/reference (scripts/genDocs.ts).
 */
export function generatedSets(root: string): GeneratedSet[] {
  const stamped = stampSchema(fs.readFileSync(path.join(root, 'schema.json'), 'utf8'), readIdentity(root));
  const schema = JSON.parse(stamped) as Schema;
  return [
    { what: 'schema.json (its version, repository and pluginDownloadURL come from package.json)', dir: null, files: new Map([['schema.json', stamped]]) },
    { what: SDK_DIR, dir: SDK_DIR, files: generate(schema) },
    { what: DOCS_DIR, dir: DOCS_DIR, files: generateDocs(schema) },
  ];
}

function main(argv: string[]): number {
  const root = repoRoot();
  const sets = generatedSets(root);
  if (argv.includes('--check')) {
    let failed = false;
    for (const set of sets) {
      const differing = diffWithDisk(root, set.files, set.dir);
      if (differing.length) {
        failed = true;
        process.stderr.write(`${set.what} is out of date; run \`npm run gen:sdk\`. Differing files:\n${differing.map((f) => `  ${f}\n`).join('')}`);
      } else {
        process.stdout.write(`${set.what} is in sync (${set.files.size} files)\n`);
      }
    }
    return failed ? 1 : 0;
  }
  for (const set of sets) {
    for (const rel of diffWithDisk(root, set.files, set.dir)) {
      if (!set.files.has(rel)) {
        fs.rmSync(path.join(root, rel));
        process.stdout.write(`removed ${rel}\n`);
      }
    }
    for (const [rel, text] of set.files) {
      const full = path.join(root, rel);
      fs.mkdirSync(path.dirname(full), { recursive: true });
      if (!fs.existsSync(full) || fs.readFileSync(full, 'utf8') !== text) {
        fs.writeFileSync(full, text);
        process.stdout.write(`wrote ${rel}\n`);
      }
    }
  }
  return 0;
}

if (require.main === module) {
  process.exit(main(process.argv.slice(2)));
}
