import { existsSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createCosClient, DEFAULT_LIMITS, FlowLogReadError, readFlowLogs, readLocalFlowLogs, type FlowLogReport, type ObjectLimits, type ReadProgress, type ReportOptions } from '../flowlogs';
import type { Env, ProviderConfig } from '../config';
import { isVpcRegion, VPC_REGIONS } from '../config/endpoints';
import { CONFIG_FLAG_OPTIONS, configFromFlags, UsageError } from './configFlags';
import type { LogNames } from './logs/names';
import { analyze, LOGS_ENGINES, type LogsEngine } from './logs/engines';
import { LOGS_FORMATS, renderLogs, type LogsFormat } from './logs/render';
import { readReportFile } from './logs/reportFile';

/** The connection flags `logs` reads: configFlags.ts's, without tagging, private endpoints or the COS instance. */
const LOGS_CONNECTION_FLAGS = ['region', 'api-key', 'vpc-endpoint', 'iam-endpoint', 'cos-endpoint', 'cos-access-key-id', 'cos-secret-access-key'] as const;
export const LOGS_CONNECTION_OPTIONS = Object.fromEntries(LOGS_CONNECTION_FLAGS.map((f) => [f, CONFIG_FLAG_OPTIONS[f]])) as Pick<typeof CONFIG_FLAG_OPTIONS, (typeof LOGS_CONNECTION_FLAGS)[number]>;

const LOGS_CONNECTION_HELP = `Connection (each flag falls back to the same environment variables as the provider's config):
  --cos-endpoint URL         Cloud Object Storage endpoint of the bucket's region (needed with --bucket)
  --cos-access-key-id ID     COS HMAC access key id (AWS_ACCESS_KEY_ID)
  --cos-secret-access-key K  COS HMAC secret access key (AWS_SECRET_ACCESS_KEY); prefer the environment variable,
                             since a flag is visible to other users of the machine
  --api-key KEY              IBM Cloud API key (IBMCLOUD_API_KEY, IC_API_KEY): reads the bucket through IAM tokens
                             when no HMAC keys are given, and the VPC API for names
  --iam-endpoint URL         IAM base URL (IBMCLOUD_IAM_API_ENDPOINT; default https://iam.cloud.ibm.com)
  --vpc-endpoint URL         VPC API base URL (IBMCLOUD_IS_NG_API_ENDPOINT): when given, with the API key, the report
                             names interfaces and collectors beside their ids; without it, ids only
  --region R                 IBM Cloud VPC region (IBMCLOUD_REGION, IC_REGION; default us-south): signs COS requests
  With the emulator, give the endpoints and keys it prints on its first line.
`;

export const LOGS_HELP = `ibm-flowlogs logs (--bucket B | --dir DIR) [options]
ibm-flowlogs logs --from-report FILE [--format F]
ibm-flowlogs logs --emit spark --bucket B [--since T --until T] [options] [--output FILE]

Reads flow-log objects from a Cloud Object Storage bucket (or a directory of downloaded .gz objects) and reports
what they show: totals per interface and collector, top talkers, rejected flows, connections accepted one way and
rejected the other (a network ACL dropping replies), port scans, interfaces with no objects, and volume.

  --bucket B                 the bucket flow logs are written to (needs --cos-endpoint, and the API key or HMAC keys)
  --dir DIR                  read .gz objects from a local directory instead
  --since T, --until T       capture-time range (RFC 3339, e.g. 2026-01-05T09:00:00Z; until is exclusive)
  --vpc ID|CRN, --instance ID|CRN, --interface ID
                             only these (narrows the listing where the key layout allows)
  --format table|markdown|json   (default table)
  --port-scan-threshold N    distinct ports or hosts that make a port scan (default 20)
  --price-per-gb P           price per GB stored, for a 30-day cost projection (none by default)
  --max-object-bytes N       per-object budget: an object that decompresses to more is reported as too large and
                             the others are analyzed (bytes, or with KiB, MiB, GiB; default 64MiB)
  --max-object-records N     per-object budget on flow-log records (default 1,000,000)

Engines (the same report either way):
  --engine native|duckdb     native (default): the streaming analyzer, on one core; duckdb: objects decoded on
                             every core and analyzed by DuckDB (faster on large ranges)
  --threads N                cores the duckdb engine uses (default: all)

Reports made elsewhere:
  --from-report FILE         render a report written before (--format json), or a Spark job's result
  --emit spark               write a PySpark job for IBM Analytics Engine serverless instead of reading anything:
                             it analyzes --bucket where it is (the range's partitions, the same SQL as --engine
                             duckdb) and writes its result to the bucket, for --from-report
  --cos-service NAME         the name in the job's cos://BUCKET.NAME/ paths, whose spark.hadoop.fs.cos.NAME.*
                             settings hold the COS endpoint and credentials at submission (default flowlogs)
  --report-key KEY           where in the bucket the job writes its result
                             (default ibm-flowlogs/reports/<since>--<until>.json)
  --output FILE              write the job to FILE instead of standard output

${LOGS_CONNECTION_HELP}`;

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

/** A byte size: a whole number, optionally with KiB, MiB or GiB. */
function byteSize(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\s*(KiB|MiB|GiB)?$/i.exec(value.trim());
  const bytes = m ? Number(m[1]) * 1024 ** ['', 'kib', 'mib', 'gib'].indexOf((m[2] ?? '').toLowerCase()) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new UsageError(`${flag} must be a positive whole number of bytes, optionally with KiB, MiB or GiB (e.g. 64MiB); received "${value}"`);
  return bytes;
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

/** `2026-01-05T09:00:00Z` as a key-safe stamp: `20260105T090000Z`. */
const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

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
        'max-object-bytes': { type: 'string' },
        'max-object-records': { type: 'string' },
        engine: { type: 'string', default: 'native' },
        threads: { type: 'string' },
        'from-report': { type: 'string' },
        emit: { type: 'string' },
        'cos-service': { type: 'string' },
        'report-key': { type: 'string' },
        output: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...LOGS_CONNECTION_OPTIONS,
      },
      strict: true,
    });
    if (values.help) {
      io.stdout(LOGS_HELP);
      return 0;
    }
    const format = values.format as LogsFormat;
    if (!LOGS_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${LOGS_FORMATS.join(', ')}; received "${values.format}"`);

    if (values['from-report'] !== undefined) {
      const others = (['bucket', 'dir', 'emit', 'since', 'until', 'vpc', 'instance', 'interface'] as const).filter((f) => values[f] !== undefined);
      if (others.length > 0) throw new UsageError(`--from-report renders a report made before; it takes no ${others.map((f) => `--${f}`).join(', ')}`);
      const { report, engine } = readReportFile(values['from-report']);
      io.stdout(renderLogs(report, format, `report ${values['from-report']}${engine ? ` (${engine})` : ''}`));
      return 0;
    }

    const engine = values.engine as LogsEngine;
    if (!LOGS_ENGINES.includes(engine)) throw new UsageError(`--engine must be one of ${LOGS_ENGINES.join(', ')}; received "${values.engine}"`);
    const threads = positive(values.threads, '--threads', true);
    if (threads !== undefined && engine !== 'duckdb') throw new UsageError('--threads sets the cores of --engine duckdb; the native engine runs on one');
    const since = time(values.since, '--since');
    const until = time(values.until, '--until');
    if (since !== undefined && until !== undefined && since >= until) throw new UsageError('--since must be earlier than --until');
    const scope = { since, until, vpc: values.vpc, instance: values.instance, interfaceId: values.interface };
    const limits: ObjectLimits = {
      maxJsonBytes: byteSize(values['max-object-bytes'], '--max-object-bytes') ?? DEFAULT_LIMITS.maxJsonBytes,
      maxRecords: positive(values['max-object-records'], '--max-object-records', true) ?? DEFAULT_LIMITS.maxRecords,
    };
    const options: ReportOptions = {
      since,
      until,
      portScanThreshold: positive(values['port-scan-threshold'], '--port-scan-threshold', true),
      pricePerGb: positive(values['price-per-gb'], '--price-per-gb', false),
    };

    if (values.emit !== undefined) {
      if (values.emit !== 'spark') throw new UsageError(`--emit writes a job for spark; received "${values.emit}"`);
      if (values.bucket === undefined) throw new UsageError('--emit spark needs --bucket: the bucket the job reads');
      if (values.dir !== undefined) throw new UsageError('--emit spark reads a bucket where it is; it takes no --dir');
      const { sparkJob } = await import('../flowlogs/spark/job');
      const { analysisParams } = await import('../flowlogs/sql/analysis');
      // The command line that made it, of the flags that shape the job only (no connection flag, no secret).
      const shaping = ['bucket', 'since', 'until', 'vpc', 'instance', 'interface', 'port-scan-threshold', 'price-per-gb', 'max-object-bytes', 'max-object-records'] as const;
      const generatedBy = ['ibm-flowlogs logs --emit spark', ...shaping.filter((f) => values[f] !== undefined).map((f) => `--${f} ${values[f]}`)].join(' ');
      const job = sparkJob({
        bucket: values.bucket,
        cosService: values['cos-service'] ?? 'flowlogs',
        reportKey: values['report-key'] ?? `ibm-flowlogs/reports/${since !== undefined ? stamp(since) : 'all'}--${until !== undefined ? stamp(until) : 'now'}.json`,
        scope,
        params: analysisParams(options),
        limits,
        ...(options.pricePerGb !== undefined ? { pricePerGb: options.pricePerGb } : {}),
        generatedBy,
      });
      if (values.output !== undefined) writeFileSync(values.output, job.source);
      else io.stdout(job.source);
      return 0;
    }
    if (values.output !== undefined) throw new UsageError('--output names the file for --emit spark');

    if ((values.bucket === undefined) === (values.dir === undefined)) throw new UsageError('give exactly one of --bucket or --dir');
    const region = values.region ?? io.env.IBMCLOUD_REGION ?? io.env.IC_REGION ?? 'us-south';
    if (!isVpcRegion(region)) throw new UsageError(`--region must be an IBM Cloud VPC region (${VPC_REGIONS.join(', ')}); received "${region}"`);
    const namesConfig = vpcApiConfig(values, io.env);
    const onProgress = progressBar(io);
    let report: FlowLogReport;
    let source: string;
    if (values.dir !== undefined) {
      const dir = values.dir;
      if (!existsSync(dir)) throw new UsageError(`--dir ${resolve(dir)}: no such directory; pass the directory the flow-log .gz objects were downloaded to`);
      if (!statSync(dir).isDirectory()) throw new UsageError(`--dir ${resolve(dir)} is a file, not a directory; pass the directory the flow-log .gz objects were downloaded to`);
      report = await analyze((extra) => readLocalFlowLogs({ dir, scope, keyLayout: 'optional', limits, onProgress, ...extra }), { engine, threads }, options);
      source = `directory ${dir}`;
    } else {
      const endpoint = values['cos-endpoint'];
      const accessKeyId = values['cos-access-key-id'] ?? io.env.AWS_ACCESS_KEY_ID;
      const secretAccessKey = values['cos-secret-access-key'] ?? io.env.AWS_SECRET_ACCESS_KEY;
      // HMAC keys when both are given; else the API key, through IAM tokens (ibm-cos-sdk's apiKeyId).
      const apiKey = values['api-key'] ?? io.env.IBMCLOUD_API_KEY ?? io.env.IC_API_KEY;
      const hmac = Boolean(accessKeyId && secretAccessKey);
      if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) throw new UsageError(`COS HMAC keys come in pairs: give ${accessKeyId ? '--cos-secret-access-key (or AWS_SECRET_ACCESS_KEY)' : '--cos-access-key-id (or AWS_ACCESS_KEY_ID)'} too, or neither to read with the API key`);
      const missing = [!endpoint && '--cos-endpoint', !hmac && !apiKey && '--api-key (or IBMCLOUD_API_KEY), or the HMAC keys --cos-access-key-id and --cos-secret-access-key'].filter(Boolean);
      if (missing.length > 0) throw new UsageError(`reading a bucket needs ${missing.join(', ')}`);
      const iamEndpoint = values['iam-endpoint'] ?? io.env.IBMCLOUD_IAM_API_ENDPOINT;
      const credentials = hmac ? { accessKeyId, secretAccessKey } : { apiKey, ...(iamEndpoint ? { iamEndpoint } : {}) };
      const cos = createCosClient({ endpoint: endpoint!, ...credentials, region });
      const bucket = values.bucket!;
      try {
        report = await analyze((extra) => readFlowLogs({ cos, bucket, scope, limits, onProgress, ...extra }), { engine, threads }, options);
      } catch (error) {
        if (!(error instanceof FlowLogReadError) || error.sdkError === undefined) throw error;
        if (onProgress) io.stderr('\n');
        // Loaded here: it needs ibm-cos-sdk, which local reads never load.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { cosReadMessage } = require('./logs/cosMessages') as typeof import('./logs/cosMessages');
        const context = { bucket, endpoint: endpoint!, auth: hmac ? ('hmac' as const) : ('iam' as const), iamEndpoint: iamEndpoint ?? 'https://iam.cloud.ibm.com' };
        throw new FlowLogReadError(cosReadMessage(error.sdkError, context), error.code, error.status);
      }
      source = `bucket ${bucket}`;
    }
    if (onProgress) io.stderr('\n');
    const nothing = noMatch(report, values, source);
    if (nothing) throw new UsageError(nothing);
    let names: LogNames | undefined;
    // Names only for a report that holds ids to name.
    if (namesConfig && (report.interfaces.length > 0 || report.volume.collectors.length > 0)) {
      try {
        names = await (await import('./logs/names')).readNames(namesConfig);
      } catch (error) {
        io.stderr(`ibm-flowlogs logs: warning: ids without names: could not read the VPC API at ${namesConfig.vpcEndpoint}: ${(error as Error).message}\n`);
      }
    }
    io.stdout(renderLogs(report, format, source, names));
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

/**
 * The VPC API connection for names, when --vpc-endpoint (or IBMCLOUD_IS_NG_API_ENDPOINT) is given: validated as the
 * provider validates it (configFlags.ts), so a bad endpoint or a missing API key with the flag is exit 2.
 */
function vpcApiConfig(values: Partial<Record<'region' | 'api-key' | 'vpc-endpoint' | 'iam-endpoint', string>>, env: Env): ProviderConfig | undefined {
  const endpoint = values['vpc-endpoint'] ?? env.IBMCLOUD_IS_NG_API_ENDPOINT;
  if (endpoint === undefined) return undefined;
  const apiKey = values['api-key'] ?? env.IBMCLOUD_API_KEY ?? env.IC_API_KEY;
  // The environment alone (as plan is configured) asks for names only when it holds the API key too.
  if (values['vpc-endpoint'] === undefined && !apiKey) return undefined;
  const flags = { region: values.region, 'api-key': values['api-key'], 'vpc-endpoint': endpoint, 'iam-endpoint': values['iam-endpoint'] };
  // COS settings play no part here: the bucket is read with the flags above.
  const vpcEnv = Object.fromEntries(Object.entries(env).filter(([k]) => k !== 'AWS_ACCESS_KEY_ID' && k !== 'AWS_SECRET_ACCESS_KEY'));
  return configFromFlags(flags, vpcEnv);
}

const FILTER_FLAGS = ['vpc', 'instance', 'interface', 'since', 'until'] as const;

/** Filters that matched no object are an error (a mistyped id or a name given for one), saying what was looked for. */
export function noMatch(report: FlowLogReport, values: Partial<Record<(typeof FILTER_FLAGS)[number], string>>, source: string): string | undefined {
  const { analyzed, failed, empty, skipData } = report.objects;
  const given = FILTER_FLAGS.filter((f) => values[f] !== undefined);
  if (given.length === 0 || analyzed + failed + empty + skipData > 0) return undefined;
  const looked = given.map((f) => `--${f} ${values[f]}`).join(', ');
  return `no flow-log object in ${source} matches ${looked}; --vpc, --instance and --interface take the id or CRN that the object keys hold (such as r006-… or 0717-…), not a name like eth0; run without them to see every interface the objects cover`;
}

export async function logsCommand(argv: string[]): Promise<void> {
  process.exitCode = await runLogs(argv);
}
