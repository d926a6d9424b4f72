import { readFileSync } from 'node:fs';

/**
 * Ends the plugin when the process that started it is gone. A runner or engine killed with SIGKILL cannot stop its
 * plugins, and a plugin left running keeps working on a deployment nobody records. On Linux the parent is
 * read from /proc (an orphan is re-parented at once); elsewhere the original parent is probed with signal 0.
 */
export function exitWithParent(onOrphaned: () => void, intervalMs = 500): void {
  const parent = process.ppid;
  if (parent <= 1) return;
  const timer = setInterval(() => {
    if (currentParent() === parent) return;
    clearInterval(timer);
    onOrphaned();
  }, intervalMs);
  timer.unref();
}

function currentParent(): number | undefined {
  try {
    // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so fields are counted after the last ')'.
    const stat = readFileSync('/proc/self/stat', 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    try {
      process.kill(process.ppid, 0);
      return process.ppid;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM' ? process.ppid : undefined;
    }
  }
}
