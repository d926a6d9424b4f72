/**
 * Node's parseArgs errors ("Unknown option '--stak'. To specify a positional argument starting with a '-' …") told
 * the way this CLI tells usage problems: the flag, what is wrong with it, the command's flags, the closest one.
 */
import { UsageError } from './configFlags';

export type FlagSpecs = Readonly<Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>>;

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/** The known flag closest to `flag` (a typo or a prefix), if one is close enough to suggest. */
export function closestFlag(flag: string, specs: FlagSpecs): string | undefined {
  const name = flag.replace(/^-+/, '').split('=')[0];
  let best: { flag: string; d: number } | undefined;
  for (const known of Object.keys(specs)) {
    const d = known.startsWith(name) && name.length >= 2 ? 0 : distance(name, known);
    if (d <= Math.max(1, Math.floor(known.length / 4)) && (!best || d < best.d)) best = { flag: known, d };
  }
  return best && `--${best.flag}`;
}

/** The closest of `words` to `word`, when it is close enough to be a typo of it. */
export function closestWord(word: string, words: readonly string[]): string | undefined {
  const scored = words.map((w) => ({ w, d: distance(word, w) })).filter((x) => x.d <= Math.max(1, Math.floor(x.w.length / 3)));
  return scored.sort((a, b) => a.d - b.d)[0]?.w;
}

/**
 * The UsageError for a parseArgs error of `ibm-flowlogs <command>`; undefined for any other error. `values` names
 * what a string flag takes (`--cwd DIR`), VALUE when not given.
 */
export function flagUsageError(error: unknown, command: string, specs: FlagSpecs, values: Readonly<Record<string, string>> = {}): UsageError | undefined {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS_')) return undefined;
  const message = (error as Error).message;
  const flags = Object.entries(specs).map(([name, s]) => `--${name}${s.type === 'string' ? `${values[name]?.startsWith('=') ? '' : ' '}${values[name] ?? 'VALUE'}` : ''}`);
  const list = `its flags: ${flags.join(', ')} (\`ibm-flowlogs ${command} --help\` describes them)`;
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const close = closestFlag(quoted, specs);
    return new UsageError(`unknown flag ${quoted} for \`ibm-flowlogs ${command}\`${close ? ` (did you mean ${close}?)` : ''}; ${list}`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = /^(-{1,2}[\w-]+)/.exec(quoted)?.[1] ?? quoted;
    if (/does not take an argument/.test(message)) return new UsageError(`${flag} takes no value (it is a switch: give it alone, as ${flag}); ${list}`);
    return new UsageError(`${flag} needs a value: ${flag} VALUE (a value that starts with "-" goes as ${flag}=-VALUE); ${list}`);
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return new UsageError(`unexpected argument "${quoted}": \`ibm-flowlogs ${command}\` takes flags only; ${list}`);
  }
  return new UsageError(`${message}; ${list}`);
}
