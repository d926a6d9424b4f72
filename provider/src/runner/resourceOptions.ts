/**
 * Resource options as the engine applies them, beyond what the plugin decides: `replaceOnChanges` turning a change
 * into a replacement, `deleteBeforeReplace` from the program winning over the plugin's, `protect` and
 * `retainOnDelete` inherited from the parent, and the options the state keeps. Pure.
 */
import type { DiffResult } from './resourceCalls';
import { parsePropertyPath, pathContains, type PropertyPath } from './propertyPath';
import type { CustomTimeouts, ResourceState } from './stackState';

/** The engine's key for a resource's init errors in a diff (pulumi/pulumi step_generator.go, initErrorSpecialKey). */
export const INIT_ERRORS_KEY = '#initerror';

/**
 * The engine's applyReplaceOnChanges (pulumi/pulumi pkg/resource/deploy/step_generator.go): every changed property
 * that a `replaceOnChanges` path covers forces a replacement; a resource whose create left init errors is replaced
 * when a path covers {@link INIT_ERRORS_KEY}. A path the engine cannot parse fails the registration.
 */
export function applyReplaceOnChanges(diff: DiffResult, replaceOnChanges: readonly string[], hasInitErrors: boolean): DiffResult {
  if (!diff.changed && !hasInitErrors) return diff;
  const paths: PropertyPath[] = replaceOnChanges.map((p) => {
    try {
      return parsePropertyPath(p);
    } catch (error) {
      throw new Error(`replaceOnChanges: ${(error as Error).message}`);
    }
  });
  const covered = (text: string) => {
    let path: PropertyPath;
    try {
      path = parsePropertyPath(text);
    } catch {
      return false;
    }
    return paths.some((p) => pathContains(p, path));
  };
  const changes = diff.changes.map((c) => (c.replace || !covered(c.path) ? c : { ...c, replace: true }));
  const replaceKeys = [...new Set([...diff.replaceKeys, ...diff.changedKeys.filter(covered)])];
  let changed = diff.changed;
  if (hasInitErrors && covered(INIT_ERRORS_KEY)) {
    replaceKeys.push(INIT_ERRORS_KEY);
    changed = true;
  }
  const replace = replaceKeys.length > 0 || changes.some((c) => c.replace);
  return { ...diff, changed, changes, replaceKeys, replace };
}

/** The engine's choice between delete-before-replace and create-before-delete: the program's option, if set, wins. */
export function deletesBeforeReplace(diff: DiffResult, fromProgram: boolean | undefined): boolean {
  return fromProgram ?? diff.deleteBeforeReplace;
}

/** The options a registration resolves to once the parent's are inherited (pulumi/pulumi source_eval.go, inheritFromParent). */
export interface ResolvedOptions {
  protect: boolean;
  retainOnDelete: boolean;
}

export function resolveOptions(own: { protect: boolean | undefined; retainOnDelete: boolean | undefined }, parent: ResolvedOptions | undefined): ResolvedOptions {
  return { protect: own.protect ?? parent?.protect ?? false, retainOnDelete: own.retainOnDelete ?? parent?.retainOnDelete ?? false };
}

/** The options part of a resource's state: only what is set, so that a state without options stays as it was. */
export function stateOptions(options: ResolvedOptions, timeouts: { create: string; update: string; delete: string }, importId: string): Pick<ResourceState, 'protect' | 'retainOnDelete' | 'customTimeouts' | 'importId'> {
  const customTimeouts: CustomTimeouts = Object.fromEntries(Object.entries(timeouts).filter(([, v]) => v !== ''));
  return {
    protect: options.protect || undefined,
    retainOnDelete: options.retainOnDelete || undefined,
    customTimeouts: Object.keys(customTimeouts).length > 0 ? customTimeouts : undefined,
    importId: importId || undefined,
  };
}

/** The options of a saved resource and of its next state differ (a same step still has to record them). */
export function optionsChanged(a: ResourceState, b: Partial<ResourceState>): boolean {
  const pick = (r: Partial<ResourceState>) => JSON.stringify([r.protect ?? false, r.retainOnDelete ?? false, r.customTimeouts ?? {}, r.importId ?? '']);
  return pick(a) !== pick(b);
}
