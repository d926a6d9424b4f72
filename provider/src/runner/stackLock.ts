/**
 * One run at a time per stack, as Pulumi's backends lock a stack for an update: `<state file>.lock` holds the pid
 * of the run that owns the stack. A second run refuses at once with the holder's pid; a lock whose process is gone
 * (the run was killed with SIGKILL) is stale and is taken over.
 */
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

interface Holder {
  pid: number;
  command: string;
  startedAt: string;
  host: string;
}

export class StackLockedError extends Error {
  override readonly name = 'StackLockedError';
  constructor(readonly lockFile: string, readonly holder: Holder) {
    super(
      `the stack is locked by \`ibm-flowlogs run ${holder.command}\` (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}): ` +
        `two runs at once would overwrite each other's state. Wait for it to finish; if pid ${holder.pid} is not running any more, remove ${lockFile}.`,
    );
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists, it is someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): Holder | undefined {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as Partial<Holder>;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? { pid: h.pid, command: String(h.command), startedAt: String(h.startedAt), host: h.host } : undefined;
  } catch {
    return undefined;
  }
}

export class StackLock {
  private released = false;
  private readonly onExit = () => this.release();

  private constructor(readonly file: string) {
    // A run that ends by process.exit (a second Ctrl-C) releases its lock too; only SIGKILL leaves it, stale.
    process.once('exit', this.onExit);
  }

  /** Takes the lock of the stack whose state is `stateFile`, or throws StackLockedError naming the holder. */
  static acquire(stateFile: string, command: string): StackLock {
    const file = `${stateFile}.lock`;
    mkdirSync(dirname(file), { recursive: true });
    const me: Holder = { pid: process.pid, command, startedAt: new Date().toISOString(), host: hostname() };
    for (let attempt = 0; ; attempt++) {
      try {
        const fd = openSync(file, 'wx', 0o600);
        try {
          writeSync(fd, `${JSON.stringify(me)}\n`);
        } finally {
          closeSync(fd);
        }
        return new StackLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readHolder(file);
      // An unreadable lock may be one being written this instant: look again before calling it damaged.
      if (holder === undefined && attempt === 0) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
        continue;
      }
      // Another host's process cannot be checked from here: its lock stands until it is removed.
      const stale = holder === undefined || (holder.host === me.host && !alive(holder.pid));
      if (!stale || attempt >= 3) throw new StackLockedError(file, holder ?? { pid: 0, command: 'unknown', startedAt: 'unknown', host: me.host });
      // Two runs that find the same stale lock at the same instant could both take it over; only a killed run
      // leaves one, so that needs a kill and two starts within a few milliseconds.
      try {
        unlinkSync(file);
      } catch {
        // Another run took the stale lock over first: the next attempt meets its lock.
      }
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    process.removeListener('exit', this.onExit);
    try {
      if (readHolder(this.file)?.pid === process.pid) unlinkSync(this.file);
    } catch {
      // Already gone.
    }
  }
}
