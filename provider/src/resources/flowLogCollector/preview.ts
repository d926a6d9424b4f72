import { targetId } from '../../model/collectorRules';
import { UNKNOWN } from '../../shared/values';
import type { Outputs, PropertyBag } from '../properties';
import type { CollectorServices } from './services';

/** A group given by name (Check resolved it to the id the inputs hold) keeps that name; any other is unknown. */
function groupName(group: unknown, inputs: PropertyBag, services: CollectorServices): unknown {
  if (typeof group !== 'string' || inputs.unknown.has('resourceGroup') || inputs.secret.has('resourceGroup')) return UNKNOWN;
  return services.resourceGroups.nameOf(group) ?? UNKNOWN;
}

/** What a preview predicts: the inputs as given, the rest left unknown. Calls nothing that mutates. */
export async function predict(inputs: PropertyBag, services: CollectorServices, base: Outputs = {}): Promise<Outputs> {
  const v = inputs.values;
  const known = (key: string, value: unknown) => (inputs.unknown.has(key) ? UNKNOWN : value);
  let targetType: unknown = base.targetType ?? UNKNOWN;
  let vpc: unknown = base.vpc ?? UNKNOWN;
  if (typeof v.target === 'string' && !inputs.unknown.has('target') && (base.target === undefined || targetId(String(base.target)) !== targetId(v.target))) {
    // A preview must not fail on a lookup it can do without (e.g. config not yet known): the values stay unknown.
    const found = await services.targets.resolve(v.target, { signal: services.signal }).catch(() => undefined);
    targetType = found?.type ?? UNKNOWN;
    vpc = found?.vpcId ?? UNKNOWN;
  }
  return {
    ...base,
    target: known('target', v.target),
    storageBucket: known('storageBucket', v.storageBucket),
    name: known('name', v.name),
    active: known('active', v.active ?? true),
    resourceGroup: inputs.unknown.has('resourceGroup') ? UNKNOWN : v.resourceGroup ?? base.resourceGroup ?? UNKNOWN,
    resourceGroupName: v.resourceGroup === undefined || v.resourceGroup === base.resourceGroup ? base.resourceGroupName ?? UNKNOWN : groupName(v.resourceGroup, inputs, services),
    tags: known('tags', v.tags ?? []),
    accessTags: known('accessTags', v.accessTags ?? []),
    crn: base.crn ?? UNKNOWN,
    href: base.href ?? UNKNOWN,
    lifecycleState: UNKNOWN,
    createdAt: base.createdAt ?? UNKNOWN,
    autoDelete: base.autoDelete ?? UNKNOWN,
    vpc,
    targetType,
    coverage: UNKNOWN,
  };
}
