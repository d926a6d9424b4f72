/**
 * A run's report in the shape Pulumi users know from the CLI: the step table (`+`, `~`, `-`, `+-`), property diffs as
 * `pulumi preview --diff` shows them, the plugin's diagnostics by resource, the stack outputs and the summary.
 * Pure: report in, text out.
 */
import { SECRET_SIG, SIG_KEY, UNKNOWN_SENTINEL, type WireObject, type WireValue } from '../rpc/codec';
import type { Diagnostic, RunReport } from './deployment';
import { importCode } from './importCode';
import type { Op, PropertyChange, Step } from './steps';

const SYMBOL: Record<Op, string> = { create: '+', update: '~', replace: '+-', delete: '-', same: ' ', read: '>', refresh: '~', import: '=' };
const PLANNED: Record<Op, string> = { create: 'create', update: 'update', replace: 'replace', delete: 'delete', same: '', read: 'read', refresh: 'refresh', import: 'import' };
const DONE: Record<Op, string> = { create: 'created', update: 'updated', replace: 'replaced', delete: 'deleted', same: '', read: 'read', refresh: 'refreshed', import: 'imported' };
const HEADING: Record<RunReport['kind'], string> = { preview: 'Previewing update', up: 'Updating', refresh: 'Refreshing', destroy: 'Destroying', import: 'Importing' };

/** A wire value for people: secrets hidden, unknowns named, short structures on one line. */
export function formatValue(value: WireValue | undefined, indent = ''): string {
  const readable = (v: WireValue | undefined): unknown => {
    if (v === UNKNOWN_SENTINEL) return '\u0000output<unknown>';
    if (Array.isArray(v)) return v.map(readable);
    if (v !== null && typeof v === 'object') {
      if ((v as WireObject)[SIG_KEY] === SECRET_SIG) return '\u0000[secret]';
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, readable(x)]));
    }
    return v;
  };
  if (value === undefined) return 'undefined';
  const r = readable(value);
  const oneLine = JSON.stringify(r);
  // Long lists and maps get one line per element, each element on one line: readable, and no wall of braces.
  const inner = `${indent}    `;
  const text =
    oneLine.length <= 80 || r === null || typeof r !== 'object'
      ? oneLine
      : Array.isArray(r)
        ? `[\n${r.map((x) => `${inner}${JSON.stringify(x)}`).join(',\n')}\n${indent}]`
        : `{\n${Object.entries(r as object).map(([k, x]) => `${inner}${JSON.stringify(k)}: ${JSON.stringify(x)}`).join(',\n')}\n${indent}}`;
  // Markers keep "[secret]" and "output<unknown>" unquoted, as Pulumi prints them.
  return text.replace(/"\\u0000([^"]*)"/g, '$1');
}

const shortType = (urn: string) => urn.split('::')[2] ?? '';
const shortName = (urn: string) => urn.split('::')[3] ?? urn;

function changeLine(c: PropertyChange, indent: string): string {
  const mark = c.kind === 'add' ? '+' : c.kind === 'delete' ? '-' : '~';
  const value = c.kind === 'add' ? formatValue(c.new, indent) : c.kind === 'delete' ? formatValue(c.old, indent) : `${formatValue(c.old, indent)} => ${formatValue(c.new, indent)}`;
  return `${indent}${mark} ${c.path}: ${value}${c.replace ? '   [forces replacement]' : ''}`;
}

function table(report: RunReport, planned: boolean): string[] {
  const rows = report.steps.map((s) => {
    // A retained delete says so, as Pulumi's display does ("deleted[retain]").
    const retain = s.retained ? '[retain]' : '';
    const word = s.error ? `${PLANNED[s.op] || report.kind}${retain} failed` : ((planned ? PLANNED : DONE)[s.op] || (report.kind === 'refresh' ? 'no drift' : '')) + retain;
    const info = s.changes.length > 0 ? `[diff: ${s.changes.map((c) => `${c.kind === 'add' ? '+' : c.kind === 'delete' ? '-' : '~'}${c.path}`).join(', ')}]` : s.note ? `[${s.note}]` : '';
    return [SYMBOL[s.op], s.type, s.name, word, info];
  });
  const widths = [2, 4, 4].map((min, col) => Math.max(min, ...rows.map((r) => r[col + 1].length)));
  const line = (r: string[]) => ` ${r[0].padEnd(3)} ${r[1].padEnd(widths[0])}  ${r[2].padEnd(widths[1])}  ${r[3].padEnd(widths[2])}  ${r[4]}`.trimEnd();
  return [line(['', 'Type', 'Name', planned ? 'Plan' : 'Status', 'Info']), ...rows.map(line)];
}

function details(steps: Step[]): string[] {
  const out: string[] = [];
  for (const s of steps) {
    if (s.op === 'create' && s.inputs && s.type.startsWith('ibmflowlogs:')) {
      out.push(`  + ${s.type}: (create)`, `      [urn=${s.urn}]`);
      for (const [k, v] of Object.entries(s.inputs).sort(([a], [b]) => a.localeCompare(b))) out.push(`      ${k}: ${formatValue(v, '      ')}`);
    } else if ((s.op === 'update' || s.op === 'replace' || s.op === 'refresh' || s.op === 'import') && s.changes.length > 0) {
      out.push(`  ${SYMBOL[s.op].padEnd(2)}${s.type}: (${s.op})`, `      [urn=${s.urn}]`);
      for (const c of s.changes) out.push(changeLine(c, '    '));
    }
  }
  return out;
}

function diagnostics(list: Diagnostic[], verbose: boolean): string[] {
  const shown = list.filter((d) => verbose || d.severity !== 'debug');
  if (shown.length === 0) return [];
  const byUrn = new Map<string, Diagnostic[]>();
  for (const d of shown) byUrn.set(d.urn, [...(byUrn.get(d.urn) ?? []), d]);
  const out = ['Diagnostics:'];
  for (const [urn, ds] of byUrn) {
    out.push(urn ? `  ${shortType(urn)} (${shortName(urn)}):` : '  program:');
    for (const d of ds) {
      out.push(...`${d.severity}: ${d.message}`.split('\n').map((l) => `    ${l}`));
      if (verbose && d.detail) out.push(...d.detail.split('\n').map((l) => `      ${l}`));
    }
    out.push('');
  }
  return out;
}

function outputs(report: RunReport): string[] {
  const entries = Object.entries(report.outputs);
  if (entries.length === 0 || report.kind === 'destroy' || report.kind === 'refresh') return [];
  return ['Outputs:', ...entries.map(([k, v]) => `    ${k}: ${formatValue(v, '    ')}`), ''];
}

/**
 * What happened to each resource, counted once by its outcome: a step that failed did not happen and counts as
 * failed only; a retained delete left the cloud alone and is not counted as deleted.
 */
export function summary(report: RunReport, planned: boolean): string[] {
  const counts = new Map<string, number>();
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const s of report.steps) add(s.error ? 'failed' : s.retained ? 'retained' : s.op);
  const out = ['Resources:'];
  for (const op of ['create', 'update', 'replace', 'delete', 'import', 'read', 'refresh'] as Op[]) {
    const n = counts.get(op);
    if (n) out.push(`    ${SYMBOL[op]} ${n} ${planned ? `to ${PLANNED[op]}` : DONE[op]}`);
  }
  const retained = counts.get('retained');
  if (retained) out.push(`    - ${retained} ${planned ? 'to remove from the stack, left' : 'removed from the stack, left'} in the cloud (retainOnDelete)`);
  if (counts.get('same')) out.push(`    ${counts.get('same')} unchanged`);
  if (counts.get('failed')) out.push(`    ${counts.get('failed')} failed`);
  if (report.steps.length === 0) out.push('    none');
  return out;
}

export interface RenderOptions {
  verbose?: boolean;
  /** Where the state is, named in the closing line. */
  stateFile?: string;
}

export function renderReport(report: RunReport, options: RenderOptions = {}): string {
  const planned = report.kind === 'preview';
  const lines = [`${HEADING[report.kind]} (${report.stack}) of ${report.project} — offline runner, real ibmflowlogs plugin`, ''];
  lines.push(...table(report, planned), '');
  const d = details(report.steps);
  if (d.length > 0) lines.push(...d, '');
  lines.push(...diagnostics(report.diagnostics, options.verbose ?? false));
  lines.push(...outputs(report));
  lines.push(...summary(report, planned));
  if (report.kind === 'refresh' && report.ok) {
    const drifted = report.steps.filter((s) => s.op !== 'same').length;
    const recomputed = report.steps.filter((s) => s.note).length;
    lines.push('', drifted === 0 ? 'No drift: every resource matches the cloud.' : `${drifted} resource(s) drifted; the state now holds what the cloud has.`);
    if (recomputed > 0) lines.push(`Coverage recomputed for ${recomputed} collector(s): other collectors changed which interfaces they receive.`);
  }
  if (!report.ok) lines.push('', `error: the ${report.kind} failed; see the diagnostics above.`);
  else if (!planned && options.stateFile) lines.push('', `State: ${options.stateFile}`);
  if (report.ok && report.imported) lines.push('', ...importCode(report.imported).split('\n'));
  return `${lines.join('\n')}\n`;
}
