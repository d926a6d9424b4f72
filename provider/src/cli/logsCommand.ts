import { parseArgs } from 'node:util';
import { createCosClient, FlowLogAnalyzer, FlowLogReadError, readFlowLogs, readLocalFlowLogs, type FlowLogObject, type ReadProgress } from '../flowlogs';
import type { Env } from '../config';
import { CONFIG_FLAG_OPTIONS, CONFIG_FLAGS_HELP, UsageError } from './configFlags';
import { LOGS_FORMATS, renderLogs, type LogsFormat } from './logs/render';

export const LOGS_HELP = `ibm-flowlogs logs (--bucket B | --dir DIR) [options]

Reads flow-log objects from a Cloud Object Storage bucket (or a directory of downloaded .gz objects) and reports
what they show: totals per interface and collector, top talkers, rejected flows, connections accepted one way and
rejected the other (a network ACL dropping replies), port scans, interfaces with no objects, and volume.

  --bucket B                 the bucket flow logs are written to (needs --cos-endpoint and HMAC keys)
  --dir DIR                  read .gz objects from a local directory instead
  --since T, --until T       capture-time range (RFC 3339, e.g. 2026-01-05T09:00:00Z; until is exclusive)
  --vpc ID|CRN, --instance ID|CRN, --interface ID
                             only these (narrows the listing where the key layout allows)
  --format table|markdown|json   (default table)
  --port-scan-threshold N    distinct ports or hosts that make a port scan (default 20)
  --price-per-gb P           price per GB stored, for a 30-day cost projection (none by default)

${CONFIG_FLAGS_HELP}`;

interface LogsIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Env;
  stderrIsTty: boolean;
}

const PROCESS_IO: LogsIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  stderrIsTty: Boolean(process.stderr.isTTY),
};

function time(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms)) throw new UsageError(`${flag} must be an RFC 3339 time such as 2026-01-05T09:00:00Z; received "${value}"`);
  return ms;
}

function positive(value: string | undefined, flag: string, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value);
  if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) throw new UsageError(`${flag} must be a positive ${integer ? 'whole number' : 'number'}; received "${value}"`);
  return v;
}

/** A one-line progress bar on stderr, redrawn at most every 100 ms, only when stderr is a terminal. */
function progressBar(io: LogsIo): ((p: ReadProgress) => void) | undefined {
  if (!io.stderrIsTty) return undefined;
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < 100 && p.done < p.total) return;
    last = now;
    const width = 30;
    const filled = p.total === 0 ? 0 : Math.round((p.done / p.total) * width);
    io.stderr(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total}${p.listingComplete ? '' : '+'} objects${p.failed ? `, ${p.failed} unreadable` : ''}`);
  };
}

/** Runs `logs`; returns the exit status (0, 1 when the bucket cannot be read, 2 on usage errors). */
export async function runLogs(argv: string[], io: LogsIo = PROCESS_IO): Promise<number> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        bucket: { type: 'string' },
        dir: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        vpc: { type: 'string' },
        instance: { type: 'string' },
        interface: { type: 'string' },
        format: { type: 'string', default: 'table' },
        'port-scan-threshold': { type: 'string' },
        'price-per-gb': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...CONFIG_FLAG_OPTIONS,
      },
      strict: true,
    });
    if (values.help) {
      io.stdout(LOGS_HELP);
      return 0;
    }
    if ((values.bucket === undefined) === (values.dir === undefined)) throw new UsageError('give exactly one of --bucket or --dir');
    const format = values.format as LogsFormat;
    if (!LOGS_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${LOGS_FORMATS.join(', ')}; received "${values.format}"`);
    const since = time(values.since, '--since');
    const until = time(values.until, '--until');
    if (since !== undefined && until !== undefined && since >= until) throw new UsageError('--since must be earlier than --until');
    const scope = { since, until, vpc: values.vpc, instance: values.instance, interfaceId: values.interface };
    const analyzer = new FlowLogAnalyzer({
      since,
      until,
      portScanThreshold: positive(values['port-scan-threshold'], '--port-scan-threshold', true),
      pricePerGb: positive(values['price-per-gb'], '--price-per-gb', false),
    });
    const onProgress = progressBar(io);
    let objects: AsyncIterable<FlowLogObject>;
    let source: string;
    if (values.dir !== undefined) {
      objects = readLocalFlowLogs({ dir: values.dir, scope, keyLayout: 'optional', onProgress });
      source = `directory ${values.dir}`;
    } else {
      const endpoint = values['cos-endpoint'];
      const accessKeyId = values['cos-access-key-id'] ?? io.env.AWS_ACCESS_KEY_ID;
      const secretAccessKey = values['cos-secret-access-key'] ?? io.env.AWS_SECRET_ACCESS_KEY;
      const missing = [!endpoint && '--cos-endpoint', !accessKeyId && '--cos-access-key-id (or AWS_ACCESS_KEY_ID)', !secretAccessKey && '--cos-secret-access-key (or AWS_SECRET_ACCESS_KEY)'].filter(Boolean);
      if (missing.length > 0) throw new UsageError(`reading a bucket needs ${missing.join(', ')}`);
      objects = readFlowLogs({ cos: createCosClient({ endpoint: endpoint!, accessKeyId: accessKeyId!, secretAccessKey: secretAccessKey!, region: values.region }), bucket: values.bucket!, scope, onProgress });
      source = `bucket ${values.bucket}`;
    }
    for await (const o of objects) analyzer.addObject(o);
    if (onProgress) io.stderr('\n');
    io.stdout(renderLogs(analyzer.report(), format, source));
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`ibm-flowlogs logs: ${(error as Error).message}\n`);
      return 2;
    }
    if (error instanceof FlowLogReadError) {
      io.stderr(`ibm-flowlogs logs: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

export async function logsCommand(argv: string[]): Promise<void> {
  process.exitCode = await runLogs(argv);
}
