/**
 * Raw objects to the analysis' relations, in SQL: what the Spark job runs before the analysis, where no
 * project code reads the objects. Its input is
 *
 *   raw_objects(object_key, stored_bytes, json_text)   one row per object; json_text NULL when it could not be read
 *
 * and it defines `objects` and `records` as sql/analysis.ts describes them. Its checks are those of the
 * format (types, ranges, enumerations, address and timestamp forms) and of the per-object
 * budget; an object that fails them is a failure with a coarser message than decode.ts gives, since SQL can say
 * which check failed but not which record. The scope (range, interface, VPC, instance) keeps what the native
 * reader keeps (reader.ts `documentInScope`). DuckDB runs the same statements in the tests.
 */
import { tooLarge, type ObjectLimits } from '../decode';
import { HEADER_FIELDS, RECORD_FIELDS } from '../document';
import type { Dialect, JsonShape } from './dialect';

export interface LoadScope {
  since?: number;
  until?: number;
  interfaceId?: string;
  vpc?: string;
  instance?: string;
}

const IP_OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = `${IP_OCTET}[.]${IP_OCTET}[.]${IP_OCTET}[.]${IP_OCTET}`;
const RFC3339 = '[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})';
const CRN = 'crn:v1:([^:]*:){7}.*';

const STRING_RECORD_FIELDS = new Set(['start_time', 'end_time', 'connection_start_time', 'direction', 'action', 'initiator_ip', 'target_ip', 'ether_type']);
const BOOLEAN_RECORD_FIELDS = new Set(['was_initiated', 'was_terminated']);

/** The JSON shape of a document: every documented field with its type. */
export const DOCUMENT_SHAPE: JsonShape = {
  struct: [
    ...HEADER_FIELDS.map(([name]) => [name, name === 'number_of_flow_logs' ? 'bigint' : 'string'] as const),
    [
      'flow_logs',
      {
        list: {
          struct: RECORD_FIELDS.map(([name]) => [name, STRING_RECORD_FIELDS.has(name) ? 'string' : BOOLEAN_RECORD_FIELDS.has(name) ? 'boolean' : 'bigint'] as const),
        },
      },
    ],
  ],
};

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

export function loadSql(d: Dialect, limits: ObjectLimits, scope: LoadScope = {}): string[] {
  const time = (expr: string) => d.matches(expr, RFC3339);
  const ip = (expr: string) => d.matches(expr, IPV4);
  const between = (expr: string, max: number) => `${expr} BETWEEN 0 AND ${max}`;
  const counters = RECORD_FIELDS.map(([name]) => name).filter((n) => /^(cumulative_)?(bytes|packets)_from/.test(n));
  const validRecord = [
    `(x.start_time = '' OR ${time('x.start_time')})`,
    `(x.end_time = '' OR ${time('x.end_time')})`,
    time('x.connection_start_time'),
    `x.direction IN ('I', 'O')`,
    `x.action IN ('accepted', 'rejected')`,
    ip('x.initiator_ip'),
    ip('x.target_ip'),
    between('x.initiator_port', 65535),
    between('x.target_port', 65535),
    between('x.transport_protocol', 255),
    `x.ether_type = 'IPv4'`,
    'x.was_initiated IS NOT NULL',
    'x.was_terminated IS NOT NULL',
    ...counters.map((c) => `x.${c} >= 0`),
  ].join(' AND ');
  const header: Array<[string, string]> = [
    ['version', "doc.version <> ''"],
    ['collector_crn', d.matches('doc.collector_crn', CRN)],
    ['attached_endpoint_type', "doc.attached_endpoint_type = 'vnic'"],
    ['network_interface_id', "doc.network_interface_id <> ''"],
    ['instance_crn', d.matches('doc.instance_crn', CRN)],
    ['vpc_crn', d.matches('doc.vpc_crn', CRN)],
    ['capture_start_time', time('doc.capture_start_time')],
    ['capture_end_time', time('doc.capture_end_time')],
    ['state', "lower(doc.state) IN ('ok', 'skip data')"],
    ['number_of_flow_logs', 'doc.number_of_flow_logs BETWEEN 0 AND 4294967295'],
    ['flow_logs', 'doc.flow_logs IS NOT NULL'],
  ];
  const problem = (path: string, reason: string) => quote(JSON.stringify([{ path, reason }]));
  const failure = [
    `WHEN json_text IS NULL THEN 'read' || ${problem('', 'could not be read (a corrupt or cut-off gzip stream, most likely)')}`,
    `WHEN json_bytes > ${limits.maxJsonBytes} THEN 'too-large' || ${quote(JSON.stringify(tooLargeProblems('bytes', limits)))}`,
    `WHEN doc IS NULL THEN 'json' || ${problem('', 'not valid JSON')}`,
    ...header.map(([field, check]) => `WHEN NOT coalesce(${check}, false) THEN 'document' || ${problem(field, 'missing, or not of the documented type and form')}`),
    `WHEN ${d.listLength('doc.flow_logs')} > ${limits.maxRecords} THEN 'too-large' || ${quote(JSON.stringify(tooLargeProblems('records', limits)))}`,
    `WHEN ${d.countWhere('doc.flow_logs', `NOT coalesce(${validRecord}, false)`)} > 0 THEN 'document' || ` +
      `${problem('flow_logs', 'a record is missing a field, or a field is not of the documented type, range or form')}`,
  ];

  // The scope, as the native reader applies it to documents.
  const idOrCrn = (column: string, value: string) => (value.startsWith('crn:') ? `${column} = ${quote(value)}` : `${column} LIKE ${quote(`%:${value.replace(/[%_]/g, '')}`)}`);
  const inScope = [
    ...(scope.until !== undefined ? [`capture_start_ms < ${scope.until}`] : []),
    ...(scope.since !== undefined ? [`NOT (capture_end_ms < ${scope.since} OR (capture_end_ms = ${scope.since} AND capture_start_ms < capture_end_ms))`] : []),
    ...(scope.interfaceId !== undefined ? [`interface_id = ${quote(scope.interfaceId)}`] : []),
    ...(scope.vpc !== undefined ? [idOrCrn('vpc_crn', scope.vpc)] : []),
    ...(scope.instance !== undefined ? [idOrCrn('instance_crn', scope.instance)] : []),
  ];
  const keyInScope = scope.interfaceId !== undefined ? `(key_interface IS NULL OR key_interface = ${quote(scope.interfaceId)})` : 'true';

  return [
    ...d.view(
      'parsed_objects',
      `SELECT ${d.rowId()} AS object_id, object_key, stored_bytes, ${d.byteLength('json_text')} AS json_bytes, json_text, ` +
        `CASE WHEN json_text IS NOT NULL AND ${d.byteLength('json_text')} <= ${limits.maxJsonBytes} THEN ${d.parseJson('json_text', DOCUMENT_SHAPE)} END AS doc FROM raw_objects`,
    ),
    ...d.table(
      'checked_objects',
      `SELECT object_id, object_key, NULLIF(regexp_extract(object_key, 'vnic-id=([^/]+)/', 1), '') AS key_interface, ` +
        `CASE WHEN instr(object_key, '/vpc-id=crn:') > 0 THEN 'raw' WHEN instr(lower(object_key), '/vpc-id=crn%3a') > 0 THEN 'url-encoded' END AS key_encoding, ` +
        `stored_bytes, coalesce(json_bytes, 0) AS json_bytes, CASE ${failure.join(' ')} END AS failure, doc FROM parsed_objects`,
    ),
    ...d.table(
      'objects',
      `SELECT * FROM (SELECT object_id, object_key, key_interface, key_encoding, stored_bytes, json_bytes, failure IS NULL AS valid, ` +
        `CASE WHEN failure IS NOT NULL THEN substr(failure, 1, instr(failure, '[') - 1) END AS error_kind, ` +
        `CASE WHEN failure IS NOT NULL THEN substr(failure, instr(failure, '[')) END AS problems, ` +
        `CASE WHEN failure IS NULL THEN doc.network_interface_id END AS interface_id, CASE WHEN failure IS NULL THEN doc.collector_crn END AS collector_crn, ` +
        `CASE WHEN failure IS NULL THEN doc.instance_crn END AS instance_crn, CASE WHEN failure IS NULL THEN doc.vpc_crn END AS vpc_crn, ` +
        `CASE WHEN failure IS NULL THEN ${d.epochMs('doc.capture_start_time')} END AS capture_start_ms, ` +
        `CASE WHEN failure IS NULL THEN ${d.epochMs('doc.capture_end_time')} END AS capture_end_ms, ` +
        `CASE WHEN failure IS NULL THEN lower(doc.state) = 'skip data' END AS skip_data, CASE WHEN failure IS NULL THEN doc.number_of_flow_logs END AS declared_records, ` +
        `CASE WHEN failure IS NULL THEN ${d.listLength('doc.flow_logs')} END AS record_count FROM checked_objects) o ` +
        `WHERE ${keyInScope} AND (NOT valid${inScope.length > 0 ? ` OR (${inScope.join(' AND ')})` : ' OR true'})`,
    ),
    ...d.view(
      'records',
      `SELECT e.object_id, CASE WHEN e.f.start_time = '' THEN e.capture_start_ms ELSE ${d.epochMs('e.f.start_time')} END AS start_ms, ` +
        `e.f.direction = 'O' AS outbound, e.f.action = 'rejected' AS rejected, ` +
        `${ipNumber(d, 'e.f.initiator_ip')} AS initiator_ip, ${ipNumber(d, 'e.f.target_ip')} AS target_ip, ` +
        `e.f.initiator_port AS initiator_port, e.f.target_port AS target_port, e.f.transport_protocol AS protocol, ` +
        `e.f.bytes_from_initiator AS bytes_i, e.f.packets_from_initiator AS packets_i, e.f.bytes_from_target AS bytes_t, e.f.packets_from_target AS packets_t ` +
        `FROM (SELECT c.object_id, o.capture_start_ms, ${d.explode('c.doc.flow_logs')} AS f FROM checked_objects c JOIN objects o ON o.object_id = c.object_id WHERE o.valid) e`,
    ),
  ];
}

/** The problems decode.ts gives an object over the budget: the same words from either path. */
function tooLargeProblems(what: 'bytes' | 'records', limits: ObjectLimits) {
  const r = tooLarge(what, limits);
  return r.ok ? [] : r.problems;
}

function ipNumber(d: Dialect, expr: string): string {
  return `(CAST(${d.dotPart(expr, 1)} AS BIGINT) * 16777216 + CAST(${d.dotPart(expr, 2)} AS BIGINT) * 65536 + CAST(${d.dotPart(expr, 3)} AS BIGINT) * 256 + CAST(${d.dotPart(expr, 4)} AS BIGINT))`;
}
