import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The DuckDB the flow-log benchmark compares against; not a project dependency (see `ensureDuckDb`). */
export const DUCKDB_PACKAGE = '@duckdb/node-api@1.5.6-r.1';
const DIR = resolve(__dirname, '../../../bench/.deps');

/**
 * Installs DuckDB's Node API into bench/.deps on first use and returns the path to require it from. It stays out of
 * package.json: its lockfile entries name platform packages for macOS and Windows that this registry does not serve,
 * and `npm ci` refuses a lockfile without them, so a project dependency would break a fresh install.
 */
export function ensureDuckDb(): string {
  const modulePath = join(DIR, 'node_modules', '@duckdb', 'node-api');
  if (!existsSync(modulePath)) {
    execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', DIR, DUCKDB_PACKAGE], { stdio: ['ignore', 'ignore', 'pipe'] });
  }
  return modulePath;
}
