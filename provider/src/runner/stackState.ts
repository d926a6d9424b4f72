/**
 * The offline runner's state file: what `pulumi up` would keep in a stack's checkpoint, as plain JSON.
 *
 * Values are kept in Pulumi's wire form (secret wrappers and unknown sentinels included), so they go back to the
 * plugin exactly as the engine would send them. Secret values are never written: the file is not encrypted, so each
 * secret is replaced by a redacted wrapper, and the runner takes secrets again from the program, the emulator's
 * endpoints file or the environment.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SECRET_SIG, SIG_KEY, type WireObject, type WireValue } from '../rpc/codec';

export interface ResourceState {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  /** The provider's id for a custom resource; '' for a component. */
  id: string;
  /** The provider reference (`urn::id`) the resource was registered with; '' for the default provider. */
  provider: string;
  /** What Check returned (for providers, CheckConfig). */
  inputs: WireObject;
  outputs: WireObject;
  /** The seed given to Check, kept so autonaming stays stable across runs. */
  randomSeed?: string;
  /** Set when create returned ErrorResourceInitFailed: the resource exists but is not ready. */
  initErrors?: string[];
  /** Read with `get()`: the runner never deletes it. */
  external?: boolean;
  /** Resource options the engine keeps in the state, so that a destroy without the program honours them. */
  protect?: boolean;
  /** Deleting it (destroy, removal from the program, replacement) removes it from the state only. */
  retainOnDelete?: boolean;
  /** customTimeouts as the program gave them ("30m"); a delete uses the state's. */
  customTimeouts?: CustomTimeouts;
  /** The `import` id it was adopted with: a program that still names it does not import it again. */
  importId?: string;
  /** Replaced with create-before-delete and not deleted yet: the next run deletes it. */
  pendingDelete?: boolean;
}

export interface CustomTimeouts {
  create?: string;
  update?: string;
  delete?: string;
}

/**
 * An operation that may have reached the cloud without its result reaching the state, as Pulumi's checkpoint keeps
 * `pending_operations`: a create is written here before the plugin's Create is called, and replaced by the resource
 * when Create answers. One left over from an interrupted run is settled at the start of the next (pendingCreates.ts).
 */
export interface PendingOperation {
  type: 'creating';
  /** The resource as it would be recorded: the checked inputs, no id or outputs yet. */
  resource: ResourceState;
  startedAt: string;
}

export interface StackState {
  version: 1;
  project: string;
  stack: string;
  resources: ResourceState[];
  /** The program's exports from the last `up`. */
  outputs: WireObject;
  pendingOperations?: PendingOperation[];
}

export function emptyState(project: string, stack: string): StackState {
  return { version: 1, project, stack, resources: [], outputs: {} };
}

/** Reads the state file; a missing file is an empty stack, anything else unreadable is an error naming the file. */
export function loadState(file: string, project: string, stack: string): StackState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState(project, stack);
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`state file ${file} is not valid JSON (${(error as Error).message}); restore it from a backup, or remove it if the stack holds nothing`);
  }
  const problems = stateProblems(parsed);
  if (problems.length > 0) {
    const shown = problems.slice(0, 10).map((p) => `\n  ${p.path || '(root)'}: ${p.reason}`).join('');
    const more = problems.length > 10 ? `\n  … and ${problems.length - 10} more` : '';
    throw new Error(`state file ${file} is damaged:${shown}${more}\nRestore it from a backup, or correct the fields named above; removing it forgets every resource it records.`);
  }
  const state = parsed as StackState;
  if (state.project !== project || state.stack !== stack) {
    throw new Error(`state file ${file} belongs to ${state.project}/${state.stack}, not ${project}/${stack}; pass another --state file`);
  }
  return state;
}

/** Writes atomically (temporary file, then rename), so a crash never leaves half a state file. */
export function saveState(file: string, state: StackState): void {
  mkdirSync(dirname(file), { recursive: true });
  const redacted: StackState = {
    ...state,
    resources: state.resources.map((r) => ({ ...r, inputs: redactSecrets(r.inputs) as WireObject, outputs: redactSecrets(r.outputs) as WireObject })),
    outputs: redactSecrets(state.outputs) as WireObject,
  };
  const tmp = `${file}.${process.pid}.tmp`;
  // Only its owner reads a stack's state: it names every resource and its inputs.
  writeFileSync(tmp, `${JSON.stringify(redacted, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

interface Problem {
  path: string;
  reason: string;
}

const describe = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : `${typeof v} ${String(v)}`;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every field of a parsed state file that is not what the runner writes, with its path (zod-style: all at once). */
export function stateProblems(value: unknown): Problem[] {
  const problems: Problem[] = [];
  const expect = (ok: boolean, path: string, what: string, v: unknown) => {
    if (!ok) problems.push({ path, reason: `expected ${what}, received ${describe(v)}` });
    return ok;
  };
  if (!expect(isObject(value), '', 'an object (an offline-runner state)', value)) return problems;
  const s = value as Record<string, unknown>;
  expect(s.version === 1, 'version', 'version 1 (this runner writes version 1)', s.version);
  for (const key of ['project', 'stack'] as const) expect(typeof s[key] === 'string', key, 'a string', s[key]);
  expect(isObject(s.outputs), 'outputs', 'an object', s.outputs);
  const resource = (r: unknown, path: string) => {
    if (!expect(isObject(r), path, 'an object', r)) return;
    const o = r as Record<string, unknown>;
    for (const key of ['urn', 'type', 'name', 'id', 'provider'] as const) expect(typeof o[key] === 'string', `${path}.${key}`, 'a string', o[key]);
    expect(typeof o.custom === 'boolean', `${path}.custom`, 'a boolean', o.custom);
    for (const key of ['inputs', 'outputs'] as const) expect(isObject(o[key]), `${path}.${key}`, 'an object', o[key]);
    for (const key of ['external', 'protect', 'retainOnDelete', 'pendingDelete'] as const) if (o[key] !== undefined) expect(typeof o[key] === 'boolean', `${path}.${key}`, 'a boolean', o[key]);
    for (const key of ['randomSeed', 'importId'] as const) if (o[key] !== undefined) expect(typeof o[key] === 'string', `${path}.${key}`, 'a string', o[key]);
    if (o.customTimeouts !== undefined && expect(isObject(o.customTimeouts), `${path}.customTimeouts`, 'an object {create?, update?, delete?}', o.customTimeouts)) {
      for (const [key, v] of Object.entries(o.customTimeouts as object)) {
        const known = ['create', 'update', 'delete'].includes(key);
        expect(known && typeof v === 'string', `${path}.customTimeouts.${key}`, known ? 'a duration string such as "30m"' : 'only create, update and delete', v);
      }
    }
    if (o.initErrors !== undefined) expect(Array.isArray(o.initErrors) && o.initErrors.every((e) => typeof e === 'string'), `${path}.initErrors`, 'a list of strings', o.initErrors);
  };
  if (expect(Array.isArray(s.resources), 'resources', 'a list', s.resources)) (s.resources as unknown[]).forEach((r, i) => resource(r, `resources[${i}]`));
  if (s.pendingOperations !== undefined && expect(Array.isArray(s.pendingOperations), 'pendingOperations', 'a list', s.pendingOperations)) {
    (s.pendingOperations as unknown[]).forEach((op, i) => {
      const path = `pendingOperations[${i}]`;
      if (!expect(isObject(op), path, 'an object', op)) return;
      const o = op as Record<string, unknown>;
      expect(o.type === 'creating', `${path}.type`, '"creating"', o.type);
      expect(typeof o.startedAt === 'string', `${path}.startedAt`, 'a string', o.startedAt);
      resource(o.resource, `${path}.resource`);
    });
  }
  return problems;
}

/** A secret wrapper whose value was not written to the state file. */
export const REDACTED = 'redacted';

export function isSecretWrapper(value: unknown): value is WireObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as WireObject)[SIG_KEY] === SECRET_SIG;
}

export function isRedacted(value: unknown): boolean {
  return isSecretWrapper(value) && (value as WireObject)[REDACTED] === true;
}

/** Every secret value replaced by `{sig: secret, redacted: true}`; everything else unchanged. */
export function redactSecrets(value: WireValue): WireValue {
  if (isSecretWrapper(value)) return { [SIG_KEY]: SECRET_SIG, [REDACTED]: true };
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value as WireObject).map(([k, v]) => [k, redactSecrets(v)]));
  return value;
}

/** The top-level keys whose value was redacted, dropped, so that the provider falls back to its environment. */
export function withoutRedacted(obj: WireObject): WireObject {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => !isRedacted(v)));
}
