/**
 * Renders plain terminal text as an SVG "terminal window" for the README (docs/*.svg): a dark rounded window with a
 * title bar, the text in a monospace font, one <text> element per line, coloured the way the Pulumi CLI colours it.
 *
 * A pure function: no I/O, no clock, no randomness, so the same text always gives the same file.
 *
 * Colours, by the first rule that matches a line:
 * - a prompt (`$ ...`): blue;
 * - a line containing `error:`: red;
 * - a line containing `warning:`: yellow;
 * - a step line, after any indentation: `+-` (replace) magenta, `+` (create) green, `-` (delete) red, `~` (update)
 *   yellow;
 * - anything else: light grey.
 *
 * The width follows the longest line (after the optional wrapping), so nothing is cut off; each line's textLength is
 * pinned to its column count, so table columns stay aligned whatever monospace font the viewer has.
 */

export interface TerminalSvgOptions {
  /** The window's title, in the title bar. @default 'terminal' */
  title?: string;
  /** Font size in pixels. @default 13 */
  fontSize?: number;
  /**
   * Wrap lines longer than this many columns at a space, as a terminal of that width would show them; continuation
   * lines keep the line's indentation plus two spaces and its colour. @default no wrapping
   */
  wrap?: number;
}

export const COLOURS = {
  background: '#1e1e1e',
  titleBar: '#323233',
  title: '#a0a0a0',
  text: '#d4d4d4',
  prompt: '#79b8ff',
  green: '#89d185',
  red: '#f48771',
  yellow: '#e5c07b',
  magenta: '#c586c0',
} as const;

/** Escapes text for XML character data and attribute values. */
export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/**
 * Plain text from terminal output: ANSI escape sequences removed, tabs expanded to 8-column stops, and characters
 * XML 1.0 does not allow (other control characters) dropped.
 */
export function plainTerminalText(text: string): string {
  // eslint-disable-next-line no-control-regex
  const noAnsi = text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\r\n/g, '\n');
  return noAnsi
    .split('\n')
    .map((line) => {
      let out = '';
      for (const ch of line) {
        if (ch === '\t') out += ' '.repeat(8 - (out.length % 8));
        // eslint-disable-next-line no-control-regex
        else if (!/[\u0000-\u001f\u007f\ufffe\uffff]/.test(ch)) out += ch;
      }
      return out;
    })
    .join('\n');
}

/** The colour of one line (see the file comment for the rules). */
export function lineColour(line: string): string {
  if (line.startsWith('$ ')) return COLOURS.prompt;
  if (line.includes('error:')) return COLOURS.red;
  if (line.includes('warning:')) return COLOURS.yellow;
  const step = /^\s*(\+-|[+~-])(\s|$)/.exec(line)?.[1];
  if (step === '+-') return COLOURS.magenta;
  if (step === '+') return COLOURS.green;
  if (step === '-') return COLOURS.red;
  if (step === '~') return COLOURS.yellow;
  return COLOURS.text;
}

/** Number of terminal columns a line takes (code points; the texts drawn here have no wide characters). */
function columns(line: string): number {
  return Array.from(line).length;
}

/** Word-wraps one line to `width` columns; continuation lines are indented two more than the original. */
export function wrapLine(line: string, width: number): string[] {
  if (columns(line) <= width) return [line];
  const indent = ' '.repeat((/^ */.exec(line)?.[0].length ?? 0) + 2);
  const out: string[] = [];
  let rest = line;
  let prefix = '';
  while (columns(prefix + rest) > width) {
    const room = width - columns(prefix);
    const chars = Array.from(rest);
    // The last space within the room, not among the leading indentation; a word longer than the room is cut.
    let cut = chars.slice(0, room + 1).lastIndexOf(' ');
    const lead = /^ */.exec(rest)?.[0].length ?? 0;
    if (cut <= lead) cut = room;
    out.push(prefix + chars.slice(0, cut).join('').trimEnd());
    rest = chars.slice(cut).join('').trimStart();
    prefix = indent;
    if (columns(prefix) >= width) break;
  }
  out.push(prefix + rest);
  return out;
}

/** The SVG document for `text`, drawn as a terminal window. */
export function terminalSvg(text: string, options: TerminalSvgOptions = {}): string {
  const fontSize = options.fontSize ?? 13;
  const charWidth = fontSize * 0.6;
  const lineHeight = Math.round(fontSize * 1.45);
  const padX = 16;
  const padY = 14;
  const barHeight = 30;
  const title = options.title ?? 'terminal';

  const source = plainTerminalText(text).replace(/\n+$/, '').split('\n');
  const lines: Array<{ text: string; colour: string }> = [];
  for (const line of source) {
    const colour = lineColour(line);
    const parts = options.wrap !== undefined && options.wrap > 0 ? wrapLine(line, options.wrap) : [line];
    for (const part of parts) lines.push({ text: part.trimEnd(), colour });
  }

  const widest = Math.max(40, columns(title) + 12, ...lines.map((l) => columns(l.text)));
  const width = Math.ceil(padX * 2 + widest * charWidth);
  const height = Math.ceil(barHeight + padY * 2 + lines.length * lineHeight);
  const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

  const body = lines.map((l, i) => {
    const y = barHeight + padY + (i + 1) * lineHeight - Math.round((lineHeight - fontSize) / 2) - 2;
    if (l.text === '') return '';
    // xml:space and white-space on each element: renderers do not all inherit them from the group.
    return `  <text x="${padX}" y="${y}" fill="${l.colour}" textLength="${fmt(columns(l.text) * charWidth)}" lengthAdjust="spacing" xml:space="preserve" style="white-space: pre">${xmlEscape(l.text)}</text>`;
  });

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${xmlEscape(title)}">`,
    `  <title>${xmlEscape(title)}</title>`,
    `  <rect width="${width}" height="${height}" rx="8" ry="8" fill="${COLOURS.background}"/>`,
    `  <path d="M0 8 a8 8 0 0 1 8 -8 h${width - 16} a8 8 0 0 1 8 8 v${barHeight - 8} h-${width} z" fill="${COLOURS.titleBar}"/>`,
    `  <circle cx="18" cy="15" r="6" fill="#ff5f57"/>`,
    `  <circle cx="38" cy="15" r="6" fill="#febc2e"/>`,
    `  <circle cx="58" cy="15" r="6" fill="#28c840"/>`,
    `  <text x="${fmt(width / 2)}" y="19.5" fill="${COLOURS.title}" font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="12" text-anchor="middle">${xmlEscape(title)}</text>`,
    `  <g font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', 'DejaVu Sans Mono', monospace" font-size="${fontSize}">`,
    ...body.filter((l) => l !== ''),
    '  </g>',
    '</svg>',
    '',
  ].join('\n');
}
