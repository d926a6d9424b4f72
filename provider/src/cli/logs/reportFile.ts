/**
 * `logs --from-report FILE`: a report rendered later. FILE is either a report as `logs --format json` writes it
 * (any engine), or the result tables of the Spark job (`logs --emit spark`), which become a report here through the
 * same builder as every engine's results.
 */
import { readFileSync } from 'node:fs';
import { buildReport, type FlowLogReport } from '../../flowlogs';
import { partsOfResults, SQL_RESULT_FORMAT, type SqlResultFile } from '../../flowlogs/sql/results';
import { RESULT_NAMES } from '../../flowlogs/sql/analysis';
import { UsageError } from '../configFlags';

const REPORT_SECTIONS = ['objects', 'failures', 'interfaces', 'collectors', 'topTalkers', 'rejected', 'findings', 'silentInterfaces', 'volume'] as const;

/** The report in a file, with what made it (`engine`) when the file says. Throws UsageError naming what is wrong. */
export function readReportFile(file: string): { report: FlowLogReport; engine?: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--from-report: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--from-report: ${file} is not JSON (${(error as Error).message})`);
  }
  const v = value as Record<string, unknown>;
  if (v && typeof v === 'object' && v.format === SQL_RESULT_FORMAT) {
    const r = v as unknown as SqlResultFile;
    const missing = RESULT_NAMES.filter((name) => !Array.isArray(r.tables?.[name]));
    if (missing.length > 0) throw new UsageError(`--from-report: ${file} is a ${SQL_RESULT_FORMAT} result without the tables ${missing.join(', ')}`);
    const o = r.options ?? ({} as SqlResultFile['options']);
    const options = {
      ...(o.since ? { since: Date.parse(o.since) } : {}),
      ...(o.until ? { until: Date.parse(o.until) } : {}),
      portScanThreshold: o.portScanThreshold,
      portScanWindowSeconds: o.portScanWindowSeconds,
      topTalkers: o.topTalkers,
      rejectedGroups: o.rejectedGroups,
      ...(o.pricePerGb !== undefined ? { pricePerGb: o.pricePerGb } : {}),
    };
    return { report: buildReport(partsOfResults(r.tables, options), options), engine: r.engine };
  }
  const missing = v && typeof v === 'object' ? REPORT_SECTIONS.filter((s) => !(s in v)) : [...REPORT_SECTIONS];
  if (missing.length > 0) {
    throw new UsageError(`--from-report: ${file} is neither a report (\`logs --format json\`) nor a Spark job's result (format ${SQL_RESULT_FORMAT}); it lacks ${missing.join(', ')}`);
  }
  return { report: v as unknown as FlowLogReport };
}
