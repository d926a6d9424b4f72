import type { FlowLogReport } from '../../flowlogs';
import type { LogNames } from './names';

export type LogsFormat = 'table' | 'markdown' | 'json';
export const LOGS_FORMATS: readonly LogsFormat[] = ['table', 'markdown', 'json'];

const n = (value: number) => value.toLocaleString('en-US');
const bytes = (value: number) => (value >= 1e9 ? `${(value / 1e9).toFixed(2)} GB` : value >= 1e6 ? `${(value / 1e6).toFixed(2)} MB` : value >= 1e3 ? `${(value / 1e3).toFixed(1)} kB` : `${value} B`);

/** Columns aligned for a terminal; the same rows become a Markdown table. */
function table(headers: string[], rows: string[][], markdown: boolean): string {
  if (markdown) {
    const esc = (c: string) => c.replace(/\|/g, '\\|');
    return [`| ${headers.map(esc).join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
  }
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The one-line summary both text formats start with. */
export function summaryLine(r: FlowLogReport): string {
  const findings = r.findings.asymmetric.length + r.findings.portScans.length;
  return `${n(r.objects.analyzed)} objects analyzed (${n(r.objects.records)} flow records, ${n(r.objects.empty)} empty), ${n(r.objects.failed)} unreadable; ${findings === 0 ? 'no findings' : `${findings} finding${findings === 1 ? '' : 's'}`}.`;
}

/** The traffic line: counted once per pair, and how many pairs both ends logged. */
export function trafficLine(r: FlowLogReport): string {
  const t = r.totals;
  const both = t.bothEnds.pairs === 0 ? 'no address pair was logged at both ends' : `${n(t.bothEnds.pairs)} address pair${t.bothEnds.pairs === 1 ? ' was' : 's were'} logged at both ends and counted once`;
  return `Traffic: ${n(t.flows)} flows (${n(t.accepted)} accepted, ${n(t.rejected)} rejected), ${bytes(t.bytes)}, ${n(t.packets)} packets; ${both}.`;
}

/** With `names` (read from the VPC API), interfaces and collectors are named beside their ids; JSON gets a `names` map. */
export function renderLogs(r: FlowLogReport, format: LogsFormat, source: string, names?: LogNames): string {
  if (format === 'json') return `${JSON.stringify(names ? { ...r, names } : r, null, 2)}\n`;
  const nameCol = names ? ['name'] : [];
  const ifaceName = (id: string) => (names ? [names.interfaces[id] ?? '-'] : []);
  const collectorName = (crn: string) => (names ? [names.collectors[crn] ?? '-'] : []);
  const md = format === 'markdown';
  const h = (title: string) => (md ? `#### ${title}` : `${title}\n${'='.repeat(title.length)}`);
  const out: string[] = [md ? `### ibm-flowlogs logs: ${source}` : `ibm-flowlogs logs: ${source}`, '', md ? `**${summaryLine(r)}**` : summaryLine(r), trafficLine(r), ''];

  out.push(h('Findings'));
  // A finding's message names interfaces by id: the name follows each id.
  const named = (text: string) => (names ? text.replace(/\b(0[0-9a-z]{3}-[0-9a-f-]{36})\b/g, (id) => (names.interfaces[id] ? `${id} (${names.interfaces[id]})` : id)) : text);
  const findings = [...r.findings.asymmetric.map((f) => f.message), ...r.findings.portScans.map((f) => f.message)].map(named);
  out.push(findings.length === 0 ? 'None: no asymmetric connections and no port scans.' : findings.map((f) => `- ${f}`).join('\n'), '');

  out.push(h('Interfaces'));
  out.push(
    r.interfaces.length === 0
      ? 'No objects.'
      : table(
          ['interface', ...nameCol, 'objects', 'flows', 'accepted', 'rejected', 'bytes', 'packets'],
          r.interfaces.map((i) => [i.interfaceId, ...ifaceName(i.interfaceId), n(i.objects), n(i.flows), n(i.accepted), n(i.rejected), bytes(i.bytes), n(i.packets)]),
          md,
        ),
    '',
  );
  if (r.silentInterfaces.length > 0) {
    out.push(h('Interfaces with no objects in the range'), r.silentInterfaces.map((i) => `- ${i.name ? `${i.name} ` : names?.interfaces[i.id] ? `${names.interfaces[i.id]} ` : ''}${i.id}`).join('\n'), '');
  }
  if (r.topTalkers.length > 0) {
    out.push(h('Top talkers'), table(['initiator', 'target', 'bytes', 'packets', 'flows'], r.topTalkers.map((t) => [t.initiatorIp, t.targetIp, bytes(t.bytes), n(t.packets), n(t.flows)]), md), '');
  }
  if (r.rejected.groups.length > 0) {
    out.push(
      h(`Rejected flows (${n(r.rejected.totalGroups)} groups${r.rejected.totalGroups > r.rejected.groups.length ? `, first ${r.rejected.groups.length}` : ''})`),
      table(
        ['initiator', 'target', 'port', 'protocol', 'direction', 'flows', 'packets'],
        r.rejected.groups.map((g) => [g.initiatorIp, g.targetIp, String(g.targetPort), g.protocolName, g.direction, n(g.flows), n(g.packets)]),
        md,
      ),
      '',
    );
  }
  out.push(h('Volume by collector'));
  out.push(
    r.volume.collectors.length === 0
      ? 'No objects.'
      : table(
          ['collector', ...nameCol, 'objects', 'stored', '30-day projection', ...(r.volume.pricePerGb !== undefined ? ['30-day cost'] : [])],
          r.volume.collectors.map((c) => [
            c.collectorCrn,
            ...collectorName(c.collectorCrn),
            n(c.objects),
            bytes(c.storedBytes),
            c.projected30DayStoredBytes === undefined ? '-' : bytes(c.projected30DayStoredBytes),
            ...(r.volume.pricePerGb !== undefined ? [c.projected30DayCost === undefined ? '-' : c.projected30DayCost.toFixed(2)] : []),
          ]),
          md,
        ),
    `(${r.volume.basis})`,
    '',
  );
  if (r.failures.length > 0) {
    out.push(h(`Unreadable objects (${r.failures.length})`), r.failures.map((f) => `- ${f.key}: ${f.message}`).join('\n'), '');
  }
  if (r.warnings.length > 0) {
    out.push(h(`Objects analyzed with a warning (${r.warnings.length})`), r.warnings.map((w) => `- ${w.key}: ${w.message}`).join('\n'), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
