import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** Starts a command and resolves with its first stdout line (how the emulator and the plugin announce themselves). */
export function startAndReadLine(command: string, args: string[], cwd: string): Promise<{ child: ChildProcess; line: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve({ child, line }));
    child.once('exit', (code) => reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr}`)));
  });
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** User + system CPU of another process so far, in ms (Linux /proc; clock ticks of 10 ms). */
export function cpuOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
