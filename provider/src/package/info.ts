/**
 * The package's identity at run time: its version (the root package.json, the one source of versions: the plugin's
 * GetPluginInfo, the CLI's --version) and its schema (GetSchema).
 *
 * From a checkout, and from the CLI's npm package (which keeps the checkout's layout), both are read from the
 * package root. The plugin of a release is one bundled file with no package.json beside it, so the bundler inlines
 * both as IBMFLOWLOGS_BUNDLED (scripts/release/pluginBundle.ts).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

declare const IBMFLOWLOGS_BUNDLED: { version: string; schema: string } | undefined;

const ROOT = resolve(__dirname, '../../../..'); // compiled to dist/provider/src/package

let version: string | undefined;
let schema: string | undefined;

/** The version in the root package.json, e.g. `0.1.0`. */
export function packageVersion(): string {
  if (typeof IBMFLOWLOGS_BUNDLED !== 'undefined') return IBMFLOWLOGS_BUNDLED.version;
  version ??= (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}

/** The text of schema.json, as GetSchema returns it. */
export function schemaText(): string {
  if (typeof IBMFLOWLOGS_BUNDLED !== 'undefined') return IBMFLOWLOGS_BUNDLED.schema;
  schema ??= readFileSync(resolve(ROOT, 'schema.json'), 'utf8');
  return schema;
}
