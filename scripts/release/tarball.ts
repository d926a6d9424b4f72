/** A gzipped tarball of files given in memory, written with node-tar: portable headers, a fixed mtime, sorted. */
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface TarEntry {
  /** The path inside the archive, with forward slashes. */
  name: string;
  content: string | Buffer;
  mode: number;
}

/**
 * The time every entry gets: SOURCE_DATE_EPOCH when set (the reproducible-builds convention), else a fixed date, so
 * that the same inputs give the same archive.
 */
export function archiveTime(env: NodeJS.ProcessEnv = process.env): Date {
  const epoch = Number(env.SOURCE_DATE_EPOCH);
  return Number.isInteger(epoch) && epoch > 0 ? new Date(epoch * 1000) : new Date('2025-01-01T00:00:00Z');
}

/** Writes `entries` into `staging` (emptied first) and archives them as `file`. */
export async function writeTarGz(file: string, entries: TarEntry[], staging: string): Promise<void> {
  const tar: typeof import('tar') = require('tar');
  rmSync(staging, { recursive: true, force: true });
  for (const e of entries) {
    const path = join(staging, e.name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, e.content);
    chmodSync(path, e.mode); // not left to the umask
  }
  mkdirSync(dirname(file), { recursive: true });
  await tar.c({ gzip: { level: 9 }, file, cwd: staging, portable: true, mtime: archiveTime() }, entries.map((e) => e.name).sort());
  rmSync(staging, { recursive: true, force: true });
}
