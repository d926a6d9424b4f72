/**
 * The plan's three outputs, from the model alone: a terminal table, Markdown for a pull-request comment (with a
 * Mermaid diagram GitHub renders), and JSON. Deterministic: no clock, no endpoint, nothing random.
 */
import {
  PRECEDENCE_ORDER,
  describeTarget,
  type ChangeKind,
  type ChangeRow,
  type CollectorRef,
  type InterfaceAfter,
  type InterfaceRow,
  type PlanModel,
  type VpcPlan,
} from './model';

export type PlanFormat = 'table' | 'markdown' | 'json';
export const PLAN_FORMATS: readonly PlanFormat[] = ['table', 'markdown', 'json'];

/** Diagrams with more interfaces than this are folded in `<details>`. */
export const FOLD_DIAGRAM_ABOVE = 30;

export function render(model: PlanModel, format: PlanFormat): string {
  switch (format) {
    case 'json':
      return renderJson(model);
    case 'markdown':
      return renderMarkdown(model);
    default:
      return renderTable(model);
  }
}

export function renderJson(model: PlanModel): string {
  return `${JSON.stringify(model, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// Words shared by the table and the Markdown

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The one-line summary: what moves, stops and starts, where, and how many uncovered interfaces and conflicts. */
export function summaryLine(model: PlanModel): string {
  const t = model.totals;
  const where = model.vpcs.length === 1 ? ` in ${model.vpcs[0].vpc.name}` : model.vpcs.length > 1 ? ` in ${model.vpcs.length} VPCs` : '';
  const moves: string[] = [];
  if (t.moved > 0) moves.push(`${plural(t.moved, 'interface')} ${t.moved === 1 ? 'moves' : 'move'} to another bucket`);
  if (t.stopped > 0) moves.push(`${plural(t.stopped, 'interface')} ${t.stopped === 1 ? 'stops' : 'stop'} logging`);
  if (t.started > 0) moves.push(`${plural(t.started, 'interface')} ${t.started === 1 ? 'starts' : 'start'} logging`);
  const head = moves.length === 0 ? `no interface's flow logs change${where}` : `${joinAnd(moves)}${where}`;
  const tail = [
    t.uncovered === 0 ? 'no uncovered interfaces' : `${plural(t.uncovered, 'uncovered interface')}`,
    t.conflicts === 0 ? 'no conflicts' : plural(t.conflicts, 'conflict'),
  ];
  if (t.unresolved > 0) tail.push(`${plural(t.unresolved, 'planned collector')} not predictable before apply`);
  return `${capitalize(head)}; ${tail.join('; ')}.`;
}

function joinAnd(parts: string[]): string {
  return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A side of a change: the bucket logs land in, or "no logs". */
function sideText(ref: CollectorRef | null): string {
  return ref && ref.active ? ref.bucket : 'no logs';
}

function beforeAfter(c: ChangeRow): string {
  return `${sideText(c.before)} → ${sideText(c.after)}`;
}

function winnerText(ref: CollectorRef | null): string {
  if (!ref) return 'none';
  return `${ref.name}${ref.active ? '' : ' (suspended)'}${ref.planned ? ' *' : ''}`;
}

const SECTIONS: Array<{ kinds: ChangeKind[]; title: string }> = [
  { kinds: ['moved'], title: 'Interfaces whose bucket changes' },
  { kinds: ['stopped'], title: 'Interfaces whose logs stop' },
  { kinds: ['started'], title: 'Interfaces whose logs start' },
  { kinds: ['rewon'], title: 'Interfaces with a new winning collector, same bucket' },
];

/** Sections that always appear, even empty, so a reader sees "none" rather than wonder. */
const ALWAYS: ReadonlySet<ChangeKind> = new Set(['moved', 'stopped']);

/** Pulumi's step names, except `same` (a listed collector that matches its live self). */
function opText(op: string): string {
  return op === 'same' ? 'unchanged' : op === 'list' ? 'planned' : op;
}

function targetCell(t: { type: string; name: string }): string {
  return describeTarget(t as Parameters<typeof describeTarget>[0]);
}

// ---------------------------------------------------------------------------------------------------------------
// Terminal table

function columns(header: string[], rows: string[][], indent = '  '): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `${indent}${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)];
}

export function renderTable(model: PlanModel): string {
  const out: string[] = [`ibm-flowlogs plan: ${summaryLine(model)}`];
  for (const v of model.vpcs) {
    out.push('', `VPC ${v.vpc.name} (${v.vpc.id}), ${plural(v.counts.interfaces, 'interface')}`);
    for (const s of v.summary) out.push(`  ${s}`);

    out.push('', 'Planned collectors');
    const plannedRows = [
      ...v.planned.map((p) => [opText(p.op), p.name, targetCell(p.target), p.bucket, p.active ? 'yes' : 'no (suspended)', `wins ${plural(p.wins, 'interface')}`]),
      ...v.removed.map((r) => [r.op, r.name, targetCell(r.target), r.bucket, '-', `won ${plural(r.won, 'interface')}`]),
    ];
    out.push(...(plannedRows.length === 0 ? ['  none in this VPC'] : columns(['CHANGE', 'COLLECTOR', 'TARGET', 'BUCKET', 'ACTIVE', 'INTERFACES'], plannedRows)));

    for (const section of SECTIONS) {
      const rows = v.changes.filter((c) => section.kinds.includes(c.kind));
      if (rows.length === 0 && !section.kinds.some((k) => ALWAYS.has(k))) continue;
      out.push('', `${section.title} (${rows.length})`);
      if (rows.length === 0) out.push('  none');
      else out.push(...columns(['INTERFACE', 'INSTANCE', 'SUBNET', 'BEFORE → AFTER', 'WINNING COLLECTOR', 'INTERFACE ID'], rows.map((c) => [c.interface.name, c.instance.name, c.subnet.name, beforeAfter(c), winnerText(c.after), c.interface.id])));
    }

    out.push('', `Uncovered interfaces (${v.uncovered.length})`);
    if (v.uncovered.length === 0) out.push('  none: every interface has a collector');
    else out.push(...columns(['INTERFACE', 'INSTANCE', 'SUBNET', 'INTERFACE ID'], v.uncovered.map((u) => [u.interface.name, u.instance.name, u.subnet.name, u.interface.id])));

    out.push('', `Conflicts (${v.conflicts.length})`);
    out.push(...(v.conflicts.length === 0 ? ['  none'] : v.conflicts.map((c) => `  - ${c.message}`)));
    if (v.changes.some((c) => c.after?.planned)) out.push('', '  * a collector this plan creates or changes');
    if (v.dependsOnSuspendedRule) out.push('', `  Note: ${model.suspendedRule}`);
  }
  appendGlobal(out, model, (title) => ['', title], (line) => `  - ${line}`);
  out.push('', `Precedence: ${PRECEDENCE_ORDER} (the most specific collector wins).`);
  return `${out.join('\n')}\n`;
}

/** Conflicts outside any VPC, unpredictable collectors and notes, in either format. */
function appendGlobal(out: string[], model: PlanModel, heading: (title: string) => string[], item: (line: string) => string): void {
  if (model.conflicts.length > 0) {
    out.push(...heading(`Conflicts outside any VPC (${model.conflicts.length})`));
    for (const c of model.conflicts) out.push(item(c.message));
  }
  if (model.unresolved.length > 0) {
    out.push(...heading(`Planned collectors whose effect cannot be predicted (${model.unresolved.length})`));
    for (const u of model.unresolved) out.push(item(`${opText(u.op)} ${u.name}: ${u.reason}`));
  }
  if (model.notes.length > 0) {
    out.push(...heading('Notes'));
    for (const n of model.notes) out.push(item(n));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Markdown (a pull-request comment)

/** Escapes text for a Markdown table cell or inline text: no HTML, no table breaks, no emphasis. */
function md(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`);
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function mdTable(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

function interfaceCell(r: InterfaceRow): string {
  return `${md(r.interface.name)} ${code(r.interface.id)}`;
}

export function renderMarkdown(model: PlanModel): string {
  const out: string[] = ['### ibm-flowlogs plan', '', `**${md(summaryLine(model))}**`];
  for (const v of model.vpcs) {
    out.push('', `#### VPC ${md(v.vpc.name)} ${code(v.vpc.id)}: ${plural(v.counts.interfaces, 'interface')}`);
    if (v.summary.length > 0) out.push('', ...v.summary.map((s) => `- ${md(s)}`));

    const plannedRows = [
      ...v.planned.map((p) => [opText(p.op), md(p.name), md(targetCell(p.target)), md(p.bucket), p.active ? 'yes' : 'no (suspended)', `wins ${plural(p.wins, 'interface')}`]),
      ...v.removed.map((r) => [r.op, md(r.name), md(targetCell(r.target)), md(r.bucket), '—', `won ${plural(r.won, 'interface')}`]),
    ];
    out.push('', '**Planned collectors**', '');
    out.push(...(plannedRows.length === 0 ? ['None in this VPC.'] : mdTable(['Change', 'Collector', 'Target', 'Bucket', 'Active', 'Interfaces'], plannedRows)));

    for (const section of SECTIONS) {
      const rows = v.changes.filter((c) => section.kinds.includes(c.kind));
      if (rows.length === 0 && !section.kinds.some((k) => ALWAYS.has(k))) continue;
      out.push('', `**${section.title} (${rows.length})**`, '');
      if (rows.length === 0) out.push('None.');
      else
        out.push(
          ...mdTable(
            ['Interface', 'Instance', 'Subnet', 'Bucket before → after', 'Winning collector'],
            rows.map((c) => [interfaceCell(c), md(c.instance.name), md(c.subnet.name), md(beforeAfter(c)), md(winnerText(c.after))]),
          ),
        );
    }

    out.push('', `**Uncovered interfaces (${v.uncovered.length})**`, '');
    if (v.uncovered.length === 0) out.push('None: every interface has a collector.');
    else out.push(...mdTable(['Interface', 'Instance', 'Subnet'], v.uncovered.map((u) => [interfaceCell(u), md(u.instance.name), md(u.subnet.name)])));

    out.push('', `**Conflicts (${v.conflicts.length})**`, '');
    out.push(...(v.conflicts.length === 0 ? ['None.'] : v.conflicts.map((c) => `- ${md(c.message)}`)));

    out.push('', '**Flow logs after this plan**', '');
    const diagram = ['```mermaid', ...mermaidFlowchart(v), '```'];
    if (v.interfaces.length > FOLD_DIAGRAM_ABOVE) {
      out.push('<details>', `<summary>Diagram of ${plural(v.interfaces.length, 'interface')} by bucket</summary>`, '', ...diagram, '', '</details>');
    } else {
      out.push(...diagram);
    }
    const footnotes: string[] = [];
    if (v.changes.some((c) => c.after?.planned)) footnotes.push('\\* a collector this plan creates or changes.');
    if (v.dependsOnSuspendedRule) footnotes.push(md(model.suspendedRule));
    if (footnotes.length > 0) out.push('', ...footnotes.map((f) => `> ${f}`).flatMap((f, i) => (i === 0 ? [f] : ['>', f])));
  }
  appendGlobal(out, model, (title) => ['', `**${md(title)}**`, ''], (line) => `- ${md(line)}`);
  out.push('', `<sub>Precedence: ${md(PRECEDENCE_ORDER)}; the most specific collector wins.</sub>`);
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// Mermaid: VPC → subnets → instances → interfaces, coloured by bucket

/** Fill, stroke and text colours, one per bucket in name order (cycled beyond eight). */
const PALETTE: ReadonlyArray<[string, string, string]> = [
  ['#dbeafe', '#1d4ed8', '#1e3a8a'],
  ['#dcfce7', '#15803d', '#14532d'],
  ['#fef3c7', '#b45309', '#78350f'],
  ['#f3e8ff', '#7e22ce', '#581c87'],
  ['#cffafe', '#0e7490', '#164e63'],
  ['#fce7f3', '#be185d', '#831843'],
  ['#ecfccb', '#4d7c0f', '#365314'],
  ['#ffedd5', '#c2410c', '#7c2d12'],
];

/** A label inside `["..."]`: Mermaid's entity codes for characters that would end or break it. */
function label(text: string): string {
  return `"${text.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')}"`;
}

function interfaceLabel(i: InterfaceAfter): string {
  const now = i.bucket === null ? 'uncovered' : i.logged ? i.bucket : `no logs: ${i.collector ?? ''} suspended`;
  if (!i.change) return `${i.interface.name}: ${now}`;
  const was = i.change.beforeBucket === null || !i.change.beforeLogged ? 'no logs' : i.change.beforeBucket;
  const is = i.bucket === null ? 'uncovered' : i.logged ? i.bucket : 'no logs (suspended)';
  return `${i.interface.name}: ${was} → ${is}`;
}

export function mermaidFlowchart(v: VpcPlan): string[] {
  const buckets = [...new Set(v.interfaces.filter((i) => i.bucket !== null && i.logged).map((i) => i.bucket as string))].sort();
  const classOfBucket = new Map(buckets.map((b, n) => [b, `bucket${n}`]));
  const members = new Map<string, string[]>();
  const addTo = (cls: string, id: string) => (members.get(cls) ?? members.set(cls, []).get(cls)!).push(id);

  const tree = [`  vpc[${label(`VPC ${v.vpc.name}`)}]`];
  const subnetIds = new Map<string, string>();
  const instanceIds = new Map<string, string>();
  const instancesIn = new Map<string, number>();
  let n = 0;
  for (const i of v.interfaces) {
    let s = subnetIds.get(i.subnet.id);
    if (s === undefined) {
      s = `s${subnetIds.size}`;
      subnetIds.set(i.subnet.id, s);
      tree.push(`  vpc --> ${s}[${label(`subnet ${i.subnet.name}`)}]`);
    }
    // An instance with interfaces in two subnets appears under each: the tree keeps every interface in its subnet.
    const key = `${i.subnet.id} ${i.instance.id}`;
    let inst = instanceIds.get(key);
    if (inst === undefined) {
      const k = instancesIn.get(s) ?? 0;
      instancesIn.set(s, k + 1);
      inst = `${s}i${k}`;
      instanceIds.set(key, inst);
      tree.push(`  ${s} --> ${inst}[${label(i.instance.name)}]`);
    }
    const node = `n${n++}`;
    tree.push(`  ${inst} --> ${node}[${label(interfaceLabel(i))}]`);
    addTo(i.bucket === null ? 'uncovered' : i.logged ? classOfBucket.get(i.bucket)! : 'nologs', node);
    if (i.change) addTo('changed', node);
  }

  // A legend, first so that the layout puts it apart from the tree: one node per bucket, and one for each of the
  // two states without a bucket when they occur.
  const legend = ['  subgraph legend["Buckets"]', '    direction LR'];
  buckets.forEach((b, k) => legend.push(`    legend${k}[${label(b)}]`));
  if (members.has('nologs')) legend.push(`    legendNologs[${label('no logs: suspended collector wins')}]`);
  if (members.has('uncovered')) legend.push(`    legendUncovered[${label('uncovered')}]`);
  legend.push('  end');
  buckets.forEach((_b, k) => addTo(`bucket${k}`, `legend${k}`));
  if (members.has('nologs')) addTo('nologs', 'legendNologs');
  if (members.has('uncovered')) addTo('uncovered', 'legendUncovered');

  // An invisible link keeps the legend left of the VPC rather than among its edges.
  const lines = ['flowchart LR', ...legend, ...tree, '  legend ~~~ vpc'];
  buckets.forEach((_b, k) => {
    const [fill, stroke, color] = PALETTE[k % PALETTE.length];
    lines.push(`  classDef bucket${k} fill:${fill},stroke:${stroke},color:${color}`);
  });
  lines.push('  classDef nologs fill:#f3f4f6,stroke:#6b7280,color:#374151,stroke-dasharray:5 3');
  lines.push('  classDef uncovered fill:#fee2e2,stroke:#b91c1c,color:#7f1d1d');
  lines.push('  classDef changed stroke-width:3px');
  for (const [cls, ids] of members) if (cls !== 'changed') lines.push(`  class ${ids.join(',')} ${cls}`);
  // Last, so that its stroke width adds to the bucket's colours.
  if (members.has('changed')) lines.push(`  class ${members.get('changed')!.join(',')} changed`);
  return lines;
}
