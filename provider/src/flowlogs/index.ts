/**
 * Flow-log objects (emulator/README.md, "Flow logs"): keys, documents, readers over COS and local files, and the
 * analyzer.
 *
 *   for await (const o of readFlowLogs({ cos, bucket, scope: { since, until, vpc } })) analyzer.addObject(o);
 *   const report = analyzer.report();
 */
export {
  KEY_ROOT,
  ENDPOINT_TYPE,
  RECORD_TYPES,
  KEY_LEVELS,
  CRN_ENCODINGS,
  DEFAULT_PARTITION_SLACK_MS,
  buildKey,
  parseKey,
  streamIdOf,
  partitionStartMs,
  planPrefixes,
  planPrefixesFrom,
  narrowPrefixes,
  keyInScope,
  levelValueOf,
  levelValueInScope,
  isPartialCrn,
  timePartitionPrefixes,
} from './keys';
export type { CrnEncoding, FlowLogKey, KeyParse, KeyScope, KeyLevel, NarrowingOptions, PrefixPlan, RecordType } from './keys';
export { validateDocument, formatProblem, plainDocument, isSkipData, RECORD_FIELDS, HEADER_FIELDS, MAX_PROBLEMS } from './document';
export type { FlowLogDocument, FlowLogHeader, FlowLogRecord, Problem, DocumentValidation } from './document';
export { decodeObject, decodeJson, DEFAULT_LIMITS, DEFAULT_MAX_JSON_BYTES } from './decode';
export type { DecodeResult, ObjectErrorKind, ObjectLimits } from './decode';
export { PackedDocument } from './packed';
export { readFlowLogs, readLocalFlowLogs, readObjects, cosStore, DEFAULT_FETCH_WORKERS, localStore, documentInScope, FlowLogReadError } from './reader';
export type { FlowLogObject, ListedObject, ListPage, ObjectStore, ReadOptions, ReadProgress } from './reader';
export { FlowLogAnalyzer } from './analyzer';
export type { AnalyzerOptions, ObjectMeta } from './analyzer';
export { buildReport, VOLUME_BASIS } from './assemble';
export type { AnalysisParts, ReportOptions } from './assemble';
export { DEFAULT_PORT_SCAN_THRESHOLD, DEFAULT_PORT_SCAN_WINDOW_SECONDS } from './portScan';
export type * from './report';
export type { CosClient, CosConfig } from '../ibm/cos';
import type { CosClient, CosConfig } from '../ibm/cos';

/** IBM's COS SDK client (path-style, signature v4, HMAC keys); ibm-cos-sdk is loaded on first use, not on import. */
export function createCosClient(config: CosConfig): CosClient {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../ibm/cos') as typeof import('../ibm/cos')).createCosClient(config);
}
