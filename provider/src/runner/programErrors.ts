/**
 * A program's own error as a diagnostic: its message, where in the program it was raised (file:line:column of the
 * innermost frame in the project's own files), and its whole stack for `--verbose`. Pulumi's Node.js host prints an
 * unhandled exception with its stack; a `pulumi.RunError` (what `config.require` throws) is the exception, printed
 * without one, since its message says what to do. Pure.
 */
import { isAbsolute, relative, sep } from 'node:path';

export interface ProgramErrorText {
  message: string;
  /** The full stack, shown with --verbose. */
  detail?: string;
}

/** The frames of a V8 stack that are in `projectDir`'s own files (not node_modules), innermost first. */
export function programFrames(stack: string, projectDir: string): string[] {
  const frames: string[] = [];
  for (const line of stack.split('\n')) {
    const m = /^\s+at (?:(.*?) \()?((?:file:\/\/)?[^()]+?):(\d+):(\d+)\)?$/.exec(line);
    if (!m) continue;
    const file = m[2].replace(/^file:\/\//, '');
    const rel = relative(projectDir, file);
    if (!isAbsolute(file) || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('node_modules')) continue;
    frames.push(`${file}:${m[3]}:${m[4]}${m[1] && m[1] !== 'Object.<anonymous>' ? ` (${m[1]})` : ''}`);
  }
  return frames;
}

/**
 * `stackFile` names the stack's config file in the advice for a missing config value, which the SDK words for the
 * Pulumi CLI (`pulumi config set`); the runner takes `--config` and Pulumi.<stack>.yaml instead.
 */
export function describeProgramError(error: unknown, projectDir: string, stackFile: string): ProgramErrorText {
  if (!(error instanceof Error)) return { message: `the program threw ${JSON.stringify(error) ?? String(error)} (not an Error, so there is no stack)` };
  if (error.name === 'RunError' || error.name === 'ProgramSyntaxError') return { message: runnerAdvice(error.message, stackFile) };
  const stack = error.stack ?? '';
  const frames = programFrames(stack, projectDir);
  const where = frames.length > 0 ? `\n${frames.map((f) => `    at ${f}`).join('\n')}` : '';
  const text = `${error.name && error.name !== 'Error' ? `${error.name}: ` : ''}${error.message}`;
  return { message: `${text}${where}`, detail: stack || undefined };
}

/** The SDK's "pulumi config set" advice, told the runner's way. */
export function runnerAdvice(message: string, stackFile: string): string {
  return message.replace(/please set a value using the command `pulumi config set (?:--secret )?([^ `]+) <value>`/g, (_m, key: string) => `set it under config: in ${stackFile}, or pass --config ${key}=<value> for this run`);
}
