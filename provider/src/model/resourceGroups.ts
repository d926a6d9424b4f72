import { type Failure, show } from '../shared/failures';
import { isResourceGroupId } from './collectorRules';

type Call = { signal?: AbortSignal };

/** Resource Manager: the API key's account's resource groups, for `resourceGroup` given by name. */
export interface ResourceGroupReads {
  /** The groups with this exact name (Resource Manager's `name` filter). */
  named(name: string, options?: Call): Promise<Array<{ id: string; name: string }>>;
  /** Every group of the account. */
  list(options?: Call): Promise<Array<{ id: string; name: string }>>;
  /** The name a group id was found by through named() in this deployment (no request); undefined otherwise. */
  nameOf(id: string): string | undefined;
}

/** Up to this many groups, the message lists them all by name. */
const LIST_GROUPS_UP_TO = 10;

export type GroupLookup = { id: string } | { failure: Failure };

/**
 * `resourceGroup` as IBM's API takes it: an id as given, a name resolved to its group's id. A collector's Check does
 * this, so the checked inputs (what Diff compares with the recorded id, and what the engine stores) carry the id: the
 * name of the group a collector is already in is then no change, in every later preview. getFlowLogCollectors too.
 * @param secret the value arrived secret: never shown in a message
 */
export async function resolveResourceGroup(value: string, services: { resourceGroups: ResourceGroupReads; signal?: AbortSignal }, secret: boolean): Promise<GroupLookup> {
  if (isResourceGroupId(value)) return { id: value };
  const shown = secret ? 'the (secret) resource group name' : `resource group name ${show(value)}`;
  let named: Array<{ id: string; name: string }>;
  try {
    named = await services.resourceGroups.named(value, { signal: services.signal });
  } catch (error) {
    // The client's message names the group (and its URL the query): a secret one is cut out in every spelling.
    let message = (error as Error).message;
    if (secret) for (const form of new Set([value, encodeURIComponent(value), new URLSearchParams({ n: value }).toString().slice(2)])) message = message.split(form).join('(secret)');
    const reason = `could not look up ${shown} through Resource Manager: ${message}; give the group's id instead (\`ibmcloud resource groups\` lists them), or check ibmflowlogs:resourceManagerEndpoint`;
    return { failure: { property: 'resourceGroup', reason } };
  }
  // Resource Manager's name filter is exact already; the comparison keeps a lenient server from choosing for us.
  const exact = named.filter((g) => g.name === value);
  if (exact.length === 1) return { id: exact[0].id };
  if (exact.length > 1) {
    const ids = exact.map((g) => g.id).join(', ');
    return { failure: { property: 'resourceGroup', reason: `${shown} matches ${exact.length} resource groups (${ids}); give the id of the one meant` } };
  }
  const all = await services.resourceGroups.list({ signal: services.signal }).catch(() => undefined);
  const known =
    all === undefined ? '' : all.length === 0 ? '; the account has no resource groups' : all.length <= LIST_GROUPS_UP_TO ? `; the account's groups: ${all.map((g) => show(g.name)).join(', ')}` : `; the account has ${all.length} groups`;
  return {
    failure: {
      property: 'resourceGroup',
      reason: `no resource group is named ${secret ? '(secret)' : show(value)} in the API key's account${known}. Give an existing group's name or its id (32 lowercase hexadecimal characters; \`ibmcloud resource groups\` lists them), or leave resourceGroup unset for the account's default group`,
    },
  };
}
