/**
 * The offline runner's state file: what `pulumi up` would keep in a stack's checkpoint, as plain JSON.
 *
 * Values are kept in Pulumi's wire form (secret wrappers and unknown sentinels included), so they go back to the
 * plugin exactly as the engine would send them. Secret values are never written: the file is not encrypted, so each
 * secret is replaced by a redacted wrapper, and the runner takes secrets again from the program, the emulator's
 * endpoints file or the environment.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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
  protect?: boolean;
  /** Replaced with create-before-delete and not deleted yet: the next run deletes it. */
  pendingDelete?: boolean;
}

export interface StackState {
  version: 1;
  project: string;
  stack: string;
  resources: ResourceState[];
  /** The program's exports from the last `up`. */
  outputs: WireObject;
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
  let state: StackState;
  try {
    state = JSON.parse(text) as StackState;
  } catch (error) {
    throw new Error(`state file ${file} is not valid JSON (${(error as Error).message}); restore it or remove it if the stack holds nothing`);
  }
  if (state.version !== 1 || !Array.isArray(state.resources)) throw new Error(`state file ${file} is not an offline-runner state (version 1 with a resources list)`);
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
  writeFileSync(tmp, `${JSON.stringify(redacted, null, 2)}\n`);
  renameSync(tmp, file);
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
