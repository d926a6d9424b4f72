import { sameTags, targetId } from '../../model/collectorRules';
import type { DiffArgs, DiffKind, DiffResult } from '../types';
import { REPLACE_KEYS, UPDATE_KEYS } from './properties';

/**
 * Compares the recorded outputs (`olds`) with the checked inputs (`news`). Refresh calls it the other way round (read
 * state as olds, pre-refresh inputs as news: pulumi/pulumi pkg/resource/deploy/step.go RefreshStep.Apply); every rule
 * here is symmetric, so both read correctly.
 *
 * Every answer asks for deleteBeforeReplace: a target holds one collector, so a replacement that creates first can
 * never succeed. The engine takes the flag from this answer also when it turns an in-place change into a replacement
 * for `replaceOnChanges` (step_generator.go applyReplaceOnChanges keeps the provider's DeleteBeforeReplace).
 */
/**
 * Check turns a group's name into its id; a name still here (a Check before Configure) is the same group when it is
 * the other side's `resourceGroupName`. Either side may be the state (see diff's refresh note).
 */
function sameGroup(o: Record<string, unknown>, n: Record<string, unknown>): boolean {
  return o.resourceGroup === n.resourceGroup || (o.resourceGroupName !== undefined && o.resourceGroupName === n.resourceGroup) || (n.resourceGroupName !== undefined && n.resourceGroupName === o.resourceGroup);
}

export function diff({ olds, news }: DiffArgs): DiffResult {
  const detailed: Record<string, DiffKind> = {};
  const o = olds.values;
  const n = news.values;
  const kind = (key: string, replace: boolean): DiffKind => {
    // A value not known yet will be set: an update, never a delete (its entry in `values` is absent).
    const base = news.unknown.has(key) ? 'update' : o[key] === undefined ? 'add' : n[key] === undefined ? 'delete' : 'update';
    return replace ? (`${base}-replace` as DiffKind) : base;
  };
  for (const key of REPLACE_KEYS) {
    if (news.unknown.has(key)) detailed[key] = kind(key, true);
    else if (key === 'resourceGroup' && n[key] === undefined) continue; // defaulted by the service: keep what it chose
    else if (key === 'resourceGroup' && sameGroup(o, n)) continue;
    else if (key === 'target' && typeof o[key] === 'string' && typeof n[key] === 'string') {
      // The same target given once by id and once by CRN is no change at all: reporting one would make `import` of
      // a collector (read back by id) fail whenever the program names its target by CRN.
      if (targetId(o[key] as string) !== targetId(n[key] as string)) detailed[key] = kind(key, true);
    } else if (o[key] !== n[key]) detailed[key] = kind(key, true);
  }
  for (const key of UPDATE_KEYS) {
    if (news.unknown.has(key)) detailed[key] = kind(key, false);
    else if (key === 'tags' || key === 'accessTags') {
      if (!sameTags(o[key] ?? [], n[key] ?? [])) detailed[key] = kind(key, false);
    } else if (key === 'active' && (n.active ?? true) !== (o.active ?? true)) detailed.active = 'update';
    else if (key === 'name' && n.name !== undefined && o.name !== n.name) detailed.name = kind('name', false);
  }
  const replaces = Object.entries(detailed).filter(([, k]) => k.endsWith('replace')).map(([key]) => key);
  return { changes: Object.keys(detailed).length > 0, replaces, detailed, deleteBeforeReplace: true };
}
