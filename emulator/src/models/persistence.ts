import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { PersistedState } from './state';
import { stateFileIssues } from './stateFileCheck';

const FILE = 'emulator-state.json';
const LOCK = 'emulator.lock';

/** State folders this process holds: a second emulator in the same process is refused as one in another would be. */
const HELD = new Set<string>();

/**
 * `--state DIR`: the models as one JSON file, written atomically and flushed to disk (fsync) before the write that
 * caused it is answered; COS keeps its objects in DIR/cos. The file holds the emulator's API key, HMAC secret and
 * token signing key, so it and the lock are readable by their owner only (0600). One emulator at a time: DIR/
 * emulator.lock names the one that holds the folder.
 */
export class StateDirectory {
  private locked = false;
  private readonly unlockOnExit = () => this.unlock();

  constructor(readonly dir: string) {
    mkdirSync(join(dir, 'cos'), { recursive: true, mode: 0o700 });
  }

  get cosDirectory(): string {
    return join(this.dir, 'cos');
  }

  get file(): string {
    return join(this.dir, FILE);
  }

  /** Takes the folder, or throws naming the emulator that has it; a lock whose process is gone is taken over. */
  lock(): void {
    const file = join(this.dir, LOCK);
    const me = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
    for (let attempt = 0; ; attempt++) {
      if (HELD.has(this.dir)) throw this.inUse(file, { ...me, startedAt: 'earlier' }, ' (in this process)');
      try {
        const fd = openSync(file, 'wx', 0o600);
        try {
          writeSync(fd, `${JSON.stringify(me)}\n`);
        } finally {
          closeSync(fd);
        }
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readHolder(file);
      const stale = holder === undefined ? attempt > 0 : holder.host === me.host && (holder.pid === process.pid || !alive(holder.pid));
      if (!stale || attempt >= 3) throw this.inUse(file, holder ?? { pid: 0, host: me.host, startedAt: 'unknown' }, '');
      if (holder === undefined) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
      else {
        try {
          unlinkSync(file);
        } catch {
          // taken over by another emulator first: the next attempt meets its lock
        }
      }
    }
    HELD.add(this.dir);
    this.locked = true;
    process.once('exit', this.unlockOnExit);
  }

  unlock(): void {
    if (!this.locked) return;
    this.locked = false;
    HELD.delete(this.dir);
    process.removeListener('exit', this.unlockOnExit);
    const file = join(this.dir, LOCK);
    try {
      if (readHolder(file)?.pid === process.pid) unlinkSync(file);
    } catch {
      // already gone
    }
  }

  private inUse(file: string, holder: { pid: number; host: string; startedAt: string }, where: string): Error {
    return new Error(
      `state folder ${this.dir} is in use by another emulator (pid ${holder.pid} on ${holder.host}${where}, since ${holder.startedAt}); two emulators on one folder would overwrite each other's state. ` +
        `Stop that one, or give this one another --state folder. If pid ${holder.pid} is not running any more, remove ${file}.`,
    );
  }

  load(): PersistedState | undefined {
    const file = this.file;
    if (!existsSync(file)) return undefined;
    let parsed: PersistedState;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8')) as PersistedState;
    } catch (error) {
      throw new Error(`${file} is not valid JSON (${(error as Error).message}); remove it or point --state elsewhere`);
    }
    if (parsed?.format !== 1) throw new Error(`${file} has state format ${String(parsed?.format)}; this emulator reads format 1`);
    const issues = stateFileIssues(parsed);
    if (issues.length > 0) {
      const listed = issues.slice(0, 10).map((i) => `\n  ${i.path}: ${i.reason}`).join('');
      const more = issues.length > 10 ? `\n  … and ${issues.length - 10} more` : '';
      throw new Error(`${file} is damaged:${listed}${more}\nCorrect the fields named above, or remove the file to start again from the topology (no collectors, new keys).`);
    }
    return parsed;
  }

  /** Atomic (a temporary file renamed over the old one) and durable (flushed before the rename and after it). */
  save(state: PersistedState): void {
    const file = this.file;
    const tmp = `${file}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(state));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // A file left by an older emulator may be wider open: the new one is the owner's only.
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
    syncDirectory(this.dir);
  }
}

/** The rename itself is durable once the folder is flushed (not possible on every platform: then best effort). */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open a directory for fsync.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): { pid: number; host: string; startedAt: string } | undefined {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8'));
    return typeof h?.pid === 'number' && typeof h?.host === 'string' ? { pid: h.pid, host: h.host, startedAt: String(h.startedAt) } : undefined;
  } catch {
    return undefined;
  }
}
