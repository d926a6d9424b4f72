/**
 * What a plan changes, read from `pulumi preview --json` output or from a plain JSON list of collectors. Pure: text
 * in, planned changes out; every problem found is reported, with its JSON path, not just the first.
 *
 * `pulumi preview --json` prints one PreviewDigest (pulumi/pulumi sdk/go/common/display/json.go):
 *   { config?, steps?: PreviewStep[], diagnostics?, duration?, changeSummary?: {op: count}, maybeCorrupt? }
 * and each PreviewStep is { op, urn, provider?, oldState?, newState?, diffReasons?, replaceReasons?, detailedDiff },
 * whose states are apitype.ResourceV3 (sdk/go/common/apitype/core.go): { urn, custom, delete?, id?, type, inputs?,
 * outputs?, parent?, provider?, ... }. Fields are `omitempty`, so a preview without changes may have no `steps` at all.
 * Secret values are written as the string "[secret]" (pkg/backend/display/json.go, MassageSecrets), values not known
 * until apply as the sentinel below (pkg/resource/stack/deployment.go, computedValuePlaceholder). Which steps appear
 * is decided by `shouldShow` (pkg/backend/display): `same` steps only with `--show-sames`; a replacement as its logical
 * `replace` step, and, with `--show-replacement-steps` (or in older versions), as `create-replacement` and
 * `delete-replaced` too. Step ops are those of pkg/resource/deploy/step.go: same, create, update, delete, replace,
 * create-replacement, delete-replaced, read, read-replacement, refresh, discard, discard-replaced,
 * remove-pending-replace, import, import-replacement. All of these forms are read here, each change counted once.
 */
import { idOfCrn, isCrn } from '../../ibm/crn';
import { COLLECTOR_VALUE_CHECKS } from '../../model/collectorRules';
import { UsageError } from '../configFlags';

export const COLLECTOR_TYPE = 'ibmflowlogs:index:FlowLogCollector';

/** What Pulumi writes for a value computed at apply time (pkg/resource/stack/deployment.go). */
export const PULUMI_UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
/** What `pulumi preview --json` writes for a secret value. */
export const PULUMI_SECRET = '[secret]';

/** A collector the plan creates or changes, as the simulator will see it once its target is resolved. */
export interface PlannedCollector {
  /** The simulator's id: the live collector's id for an update, else the Pulumi URN or `list:<name>`. */
  key: string;
  /** What happens to it, as Pulumi calls it (`create`, `update`, `replace`, ...) or `list` for a --collectors entry. */
  op: string;
  name: string;
  /** The target as given: an id or a CRN. */
  target: string;
  /** The id of the target (a CRN reduced to its id). */
  targetId: string;
  bucket: string;
  active: boolean;
  urn?: string;
  /** The live collector this one takes the place of (update, replace), if known. */
  replacesId?: string;
}

/** A live collector the plan deletes. */
export interface PlannedRemoval {
  id: string;
  op: string;
  name?: string;
  urn?: string;
}

/** A planned collector whose effect cannot be computed (a target or bucket not known until apply, or secret). */
export interface Unresolved {
  key: string;
  op: string;
  name: string;
  reason: string;
}

export interface PlanInput {
  source: 'preview' | 'collectors';
  upserts: PlannedCollector[];
  removals: PlannedRemoval[];
  unresolved: Unresolved[];
  /** For a preview: the collector steps seen, by op (a `same` step counts, a root-stack step does not). */
  steps?: Record<string, number>;
  /** For --collectors: planned entries without `key` yet matched to live collectors by name (done later). */
  matchLiveByName: boolean;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}

/** The resource name at the end of a URN (`urn:pulumi:stack::project::type::name`). */
export function nameOfUrn(urn: string): string {
  const i = urn.lastIndexOf('::');
  return i < 0 ? urn : urn.slice(i + 2);
}

/** The resource type in a URN: the last `$`-separated part of its type segment. */
export function typeOfUrn(urn: string): string | undefined {
  const parts = urn.split('::');
  if (parts.length < 4) return undefined;
  const qualified = parts[parts.length - 2];
  return qualified.slice(qualified.lastIndexOf('$') + 1);
}

const REMOVE_OPS = new Set(['delete', 'delete-replaced', 'discard', 'discard-replaced']);
const UPSERT_OPS = new Set(['create', 'update', 'replace', 'create-replacement', 'import', 'import-replacement']);
const REPLACE_OPS = new Set(['replace']);

/** Parses `pulumi preview --json` output. Steps of other types are skipped; malformed collector steps are errors. */
export function readPreview(text: string, file = 'the preview file'): PlanInput {
  const doc = parseJson(text, file);
  if (!isObject(doc)) throw new UsageError(`${file} is not the output of \`pulumi preview --json\`: expected a JSON object with "steps"; received ${Array.isArray(doc) ? 'a list (use --collectors for a list of collectors)' : typeof doc}`);
  if (doc.steps !== undefined && !Array.isArray(doc.steps)) throw new UsageError(`${file}: "steps" must be a list; received ${typeof doc.steps}`);
  if (doc.steps === undefined && doc.changeSummary === undefined && doc.config === undefined && doc.diagnostics === undefined) {
    throw new UsageError(`${file} is not the output of \`pulumi preview --json\`: it has none of "steps", "changeSummary", "config", "diagnostics"`);
  }
  const steps = (doc.steps ?? []) as unknown[];
  const problems: string[] = [];
  const input: PlanInput = { source: 'preview', upserts: [], removals: [], unresolved: [], steps: {}, matchLiveByName: false };
  // A replacement can appear as `replace` and, with --show-replacement-steps, also as its two halves: count once.
  const seenUpsert = new Set<string>();
  const seenRemoval = new Set<string>();

  steps.forEach((step, i) => {
    const path = `steps[${i}]`;
    if (!isObject(step)) return void problems.push(`${path}: expected an object`);
    const { op, urn } = step;
    if (typeof op !== 'string' || typeof urn !== 'string') return void problems.push(`${path}: "op" and "urn" must be strings`);
    const oldState = isObject(step.oldState) ? step.oldState : undefined;
    const newState = isObject(step.newState) ? step.newState : undefined;
    const type = (typeof newState?.type === 'string' ? newState.type : undefined) ?? (typeof oldState?.type === 'string' ? oldState.type : undefined) ?? typeOfUrn(urn);
    if (type !== COLLECTOR_TYPE) return;
    input.steps![op] = (input.steps![op] ?? 0) + 1;

    const oldId = typeof oldState?.id === 'string' && oldState.id !== '' ? oldState.id : undefined;
    if (REMOVE_OPS.has(op) || REPLACE_OPS.has(op)) {
      if (oldId === undefined) {
        problems.push(`${path} (${op} ${urn}): "oldState.id" must name the live collector`);
        return;
      }
      if (!seenRemoval.has(oldId)) {
        seenRemoval.add(oldId);
        const oldName = pick(oldState?.outputs, 'name') ?? pick(oldState?.inputs, 'name');
        input.removals.push({ id: oldId, op, urn, ...(typeof oldName === 'string' ? { name: oldName } : {}) });
      }
    }
    if (!UPSERT_OPS.has(op)) return;
    if (!newState) return void problems.push(`${path} (${op} ${urn}): "newState" is missing`);
    if (seenUpsert.has(urn)) return;
    seenUpsert.add(urn);
    const inputs = isObject(newState.inputs) ? newState.inputs : {};
    const outputs = isObject(newState.outputs) ? newState.outputs : {};
    const value = (k: string) => inputs[k] ?? outputs[k];
    const nameValue = value('name');
    const name = typeof nameValue === 'string' && nameValue !== PULUMI_UNKNOWN && nameValue !== PULUMI_SECRET ? nameValue : nameOfUrn(urn);
    // An update keeps the live collector (same id); a create or replacement is a new one, keyed by its URN.
    const key = op === 'update' && oldId !== undefined ? oldId : op === 'import' && typeof newState.id === 'string' && newState.id !== '' ? newState.id : urn;
    const at = `${path}.newState.inputs`;
    // The rules FlowLogCollector's Check applies to the inputs it is given (a name only when the program gives one).
    for (const key of ['name', 'resourceGroup', 'tags', 'accessTags'] as const) {
      const v = value(key);
      if (v !== undefined && v !== null && !hidesValue(v)) problems.push(...COLLECTOR_VALUE_CHECKS[key](v, `${at}.${key}`).map(told));
    }
    const planned = plannedFrom({ key, op, name, urn, target: value('target'), bucket: value('storageBucket'), active: value('active'), path: at }, problems, input);
    if (planned) {
      if (op === 'update' && oldId !== undefined) planned.replacesId = oldId;
      input.upserts.push(planned);
    }
  });
  if (problems.length > 0) throw new UsageError(`${file} has collector steps that cannot be planned (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return input;
}

/** A value the preview does not show: unknown until apply, or secret, anywhere inside it. */
function hidesValue(v: unknown): boolean {
  if (v === PULUMI_UNKNOWN || v === PULUMI_SECRET) return true;
  return Array.isArray(v) ? v.some(hidesValue) : isObject(v) ? Object.values(v).some(hidesValue) : false;
}

/** A rule's failure as a problem line: `path: reason`. */
const told = (f: { property: string; reason: string }) => `${f.property}: ${f.reason}`;

function pick(obj: unknown, key: string): unknown {
  return isObject(obj) ? obj[key] : undefined;
}

interface RawPlanned {
  key: string;
  op: string;
  name: string;
  urn?: string;
  target: unknown;
  bucket: unknown;
  active: unknown;
  path: string;
}

/** A planned collector from raw values; unknown or secret values make it unresolved, wrong types are problems. */
function plannedFrom(raw: RawPlanned, problems: string[], input: PlanInput): PlannedCollector | undefined {
  const hidden: string[] = [];
  const check = (field: string, v: unknown, required: boolean): string | undefined => {
    if (v === PULUMI_UNKNOWN) return void hidden.push(`${field} is not known until the update runs (it comes from another resource's output)`);
    if (v === PULUMI_SECRET) return void hidden.push(`${field} is secret, and the preview does not show it`);
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v.trim() === '') return void problems.push(`${raw.path}.${field}: must be a non-empty string; received ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
    const rule = COLLECTOR_VALUE_CHECKS[field as 'target' | 'storageBucket'](v, `${raw.path}.${field}`);
    if (rule.length > 0) return void problems.push(...rule.map(told));
    return v;
  };
  const target = check('target', raw.target, true);
  const bucket = check('storageBucket', raw.bucket, true);
  let active = true;
  if (raw.active === PULUMI_UNKNOWN || raw.active === PULUMI_SECRET) hidden.push(`active is ${raw.active === PULUMI_SECRET ? 'secret' : 'not known until the update runs'}`);
  else if (raw.active !== undefined && raw.active !== null && typeof raw.active !== 'boolean') problems.push(`${raw.path}.active: must be true or false; received ${JSON.stringify(raw.active)}`);
  else if (raw.active === false) active = false;
  if (hidden.length > 0) {
    input.unresolved.push({ key: raw.key, op: raw.op, name: raw.name, reason: hidden.join('; ') });
    return undefined;
  }
  if (target === undefined || bucket === undefined) return undefined;
  return {
    key: raw.key,
    op: raw.op,
    name: raw.name,
    target,
    targetId: isCrn(target) ? idOfCrn(target) : target,
    bucket,
    active,
    ...(raw.urn !== undefined ? { urn: raw.urn } : {}),
  };
}

/**
 * Parses a plain JSON list of planned collectors: `[{name, target, storageBucket, active?}]`. A planned collector
 * whose name is a live collector's name in the same VPC stands for that collector (names are unique per VPC).
 */
export function readCollectorList(text: string, file = 'the collectors file'): PlanInput {
  const doc = parseJson(text, file);
  if (!Array.isArray(doc)) {
    const hint = isObject(doc) && Array.isArray(doc.steps) ? ' (this looks like `pulumi preview --json` output: use --preview)' : '';
    throw new UsageError(`${file} must hold a JSON list of collectors [{"name", "target", "storageBucket", "active"?}]${hint}`);
  }
  const problems: string[] = [];
  const input: PlanInput = { source: 'collectors', upserts: [], removals: [], unresolved: [], matchLiveByName: true };
  const names = new Map<string, number>();
  doc.forEach((entry, i) => {
    const path = `collectors[${i}]`;
    if (!isObject(entry)) return void problems.push(`${path}: expected an object {"name", "target", "storageBucket", "active"?}`);
    const allowed = new Set(['name', 'target', 'storageBucket', 'active']);
    for (const k of Object.keys(entry)) if (!allowed.has(k)) problems.push(`${path}.${k}: unknown field; allowed: name, target, storageBucket, active`);
    if (typeof entry.name !== 'string' || entry.name.trim() === '') return void problems.push(`${path}.name: must be a non-empty string; received ${entry.name === undefined ? 'nothing' : JSON.stringify(entry.name)}`);
    const name = entry.name;
    problems.push(...COLLECTOR_VALUE_CHECKS.name(name, `${path}.name`).map(told));
    const earlier = names.get(name);
    if (earlier !== undefined) problems.push(`${path}.name: "${name}" repeats collectors[${earlier}].name (collector names are unique per VPC)`);
    names.set(name, i);
    const planned = plannedFrom({ key: `list:${name}`, op: 'list', name, target: entry.target, bucket: entry.storageBucket, active: entry.active, path }, problems, input);
    if (planned) input.upserts.push(planned);
  });
  if (problems.length > 0) throw new UsageError(`${file} has collectors that cannot be planned (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return input;
}
