import type { Collector } from '../../ibm/types';
import { COLLECTOR_VALUE_CHECKS, targetNotFound } from '../../model/collectorRules';
import type { Failure } from '../../shared/failures';
import { keyPath } from '../../shared/propertyPath';
import { chooseName } from '../autonaming';
import { isEmpty } from '../properties';
import type { CheckArgs, CheckResult, ResourceCall } from '../types';
import { bucketPreflight } from './bucketPreflight';
import { COLLECTOR_NAMES } from './naming';
import { ownershipOf, takenReason } from './ownership';
import { holderFor, registerPlanned } from './planned';
import { INPUT_KEYS, type InputKey, REQUIRED_KEYS } from './properties';
import { resolveResourceGroup } from '../../model/resourceGroups';
import { type CollectorServices, servicesOf } from './services';

const CHECKS: Record<InputKey, (value: unknown) => Failure[]> = COLLECTOR_VALUE_CHECKS;

/** Every problem of a collector's inputs; unknown (preview) values are skipped, missing required ones reported. */
export function validateInputs(values: Record<string, unknown>, unknown: Set<string>): Failure[] {
  const failures: Failure[] = [];
  for (const key of Object.keys(values)) {
    if (!(INPUT_KEYS as readonly string[]).includes(key)) failures.push({ property: keyPath(key), reason: `unknown property; allowed: ${INPUT_KEYS.join(', ')}` });
  }
  for (const key of REQUIRED_KEYS) {
    if (values[key] === undefined && !unknown.has(key)) failures.push({ property: key, reason: 'is required' });
  }
  for (const key of INPUT_KEYS) {
    if (values[key] !== undefined && values[key] !== null && !unknown.has(key)) failures.push(...CHECKS[key](values[key]));
  }
  return failures;
}

/** The live collector on a target (the API's `target.id` filter), if any. */
export async function collectorOn(targetId: string, services: CollectorServices): Promise<Collector | undefined> {
  let holder: Collector | undefined;
  for await (const c of services.vpc.listCollectors({ 'target.id': targetId }, { signal: services.signal })) if (c.target.id === targetId) holder = c;
  return holder;
}

/**
 * Validates, applies defaults (`active: true`, a name: autonaming.ts), and, once configured, checks that the target
 * exists, that no collector this resource does not manage holds it (ownership.ts), and the bucket (bucketPreflight.ts).
 */
export async function check(args: CheckArgs, call: ResourceCall): Promise<CheckResult> {
  const { olds, news } = args;
  const services = servicesOf(call);
  const values = { ...news.values };
  const failures = validateInputs(values, news.unknown);
  if (values.active === undefined && !news.unknown.has('active')) values.active = true;
  const naming = chooseName(
    { given: values.name, givenUnknown: news.unknown.has('name'), old: olds.values.name, resourceName: call.name, randomSeed: args.randomSeed, autonaming: args.autonaming },
    COLLECTOR_NAMES,
  );
  failures.push(...naming.failures);
  if (naming.name !== undefined) values.name = naming.name;

  if (isEmpty(olds)) call.context.managed.noteCheckWithoutOlds(call.urn);
  else call.context.managed.noteOlds(call.urn, olds.values);

  if (services && typeof values.resourceGroup === 'string' && !news.unknown.has('resourceGroup') && !failures.some((f) => f.property === 'resourceGroup')) {
    const group = await resolveResourceGroup(values.resourceGroup, services, news.secret.has('resourceGroup'));
    if ('id' in group) values.resourceGroup = group.id;
    else failures.push(group.failure);
  }
  if (failures.length === 0 && services && typeof values.target === 'string' && !news.unknown.has('target')) {
    const found = await services.targets.resolve(values.target, { signal: services.signal });
    const secretTarget = news.secret.has('target');
    const shown = secretTarget ? 'the (secret) target' : `target ${values.target}`;
    if (!found) {
      // A secret target is not compared with names: a match would tell what it is.
      const named = secretTarget ? [] : await services.targets.named(values.target, { signal: services.signal }).catch(() => []);
      failures.push({ property: 'target', reason: targetNotFound(secretTarget ? '(secret)' : values.target, services.region, named) });
    } else {
      failures.push(...registerPlanned(values, args, found, services));
      const holder = failures.length > 0 ? undefined : await holderFor(found, services, typeof values.name === 'string' ? values.name : undefined);
      const ownership = holder && ownershipOf(holder, found.id, services, typeof values.name === 'string' ? values.name : undefined);
      if (holder && ownership && ownership !== 'this-resource') failures.push({ property: 'target', reason: takenReason(shown, holder, ownership, services) });
    }
  }
  if (services && !failures.some((f) => f.property === 'storageBucket')) {
    failures.push(...(await bucketPreflight(call.context, call.urn, news.unknown.has('storageBucket') ? undefined : String(values.storageBucket), services.signal)));
  }
  return { inputs: { values, unknown: new Set(news.unknown), secret: new Set(news.secret) }, failures };
}
