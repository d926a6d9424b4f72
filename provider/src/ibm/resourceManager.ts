import ResourceManagerV2 = require('@ibm-cloud/platform-services/resource-manager/v2');
import { IbmLookupError, IbmNotFoundError, IbmResponseError } from './errors';
import { DEFAULT_USER_AGENT } from './http';
import { accountIdOf, IamTokenSource } from './iam';
import { callSdk, TokenSourceAuthenticator } from './platformSdk';
import type { CallOptions, IbmConnection } from './types';

/**
 * Resource Manager v2 (`/v2/resource_groups`) through IBM's ResourceManagerV2: resource groups by id or by name, so
 * that a user may name a group as Terraform users do while the state keeps its id.
 */

export const DEFAULT_RESOURCE_MANAGER_ENDPOINT = 'https://resource-controller.cloud.ibm.com';

export interface ResourceGroup {
  id: string;
  name: string;
  crn: string;
  accountId: string;
  /** The account's default group (where collectors land without `resource_group`). */
  isDefault: boolean;
  /** `ACTIVE`, … */
  state: string;
}

export interface ResourceManagerConnection extends Pick<IbmConnection, 'apiKey' | 'iamEndpoint'> {
  /** @default DEFAULT_RESOURCE_MANAGER_ENDPOINT */
  resourceManagerEndpoint?: string;
}

export interface ResourceManagerClientOptions {
  /** Share one IAM token cache with the other clients. @default a new one for the connection's API key */
  authenticator?: IamTokenSource;
  userAgent?: string;
}

/** A resource group id: 32 lowercase hex characters. */
export const isResourceGroupId = (value: string): boolean => /^[0-9a-f]{32}$/.test(value);

function fromWire(g: ResourceManagerV2.ResourceGroup): ResourceGroup {
  return { id: g.id ?? '', name: g.name ?? '', crn: g.crn ?? '', accountId: g.account_id ?? '', isDefault: g.default === true, state: g.state ?? '' };
}

export class ResourceManagerClient {
  readonly authenticator: IamTokenSource;
  private readonly auth: TokenSourceAuthenticator;
  private readonly sdk: ResourceManagerV2;
  private readonly base: string;

  constructor(connection: ResourceManagerConnection, options: ResourceManagerClientOptions = {}) {
    this.authenticator = options.authenticator ?? new IamTokenSource({ apiKey: connection.apiKey, iamEndpoint: connection.iamEndpoint });
    this.auth = new TokenSourceAuthenticator(this.authenticator);
    this.base = (connection.resourceManagerEndpoint || DEFAULT_RESOURCE_MANAGER_ENDPOINT).replace(/\/+$/, '');
    this.sdk = new ResourceManagerV2({ authenticator: this.auth, serviceUrl: this.base, headers: { 'User-Agent': options.userAgent ?? DEFAULT_USER_AGENT } });
  }

  /** A group by id; undefined when the account has none with it. */
  async getResourceGroup(id: string, options: CallOptions = {}): Promise<ResourceGroup | undefined> {
    const url = `${this.base}/v2/resource_groups/${encodeURIComponent(id)}`;
    try {
      const res = await callSdk({ operation: `get resource group ${id}`, method: 'GET', url, signal: options.signal }, this.auth, () => this.sdk.getResourceGroup({ id, signal: options.signal } as ResourceManagerV2.GetResourceGroupParams));
      return fromWire(res.result);
    } catch (error) {
      if (IbmNotFoundError.isInstance(error)) return undefined;
      throw error;
    }
  }

  /** The account's groups, all or those with one name. @param accountId @default the API key's account */
  async listResourceGroups(filter: { accountId?: string; name?: string } = {}, options: CallOptions = {}): Promise<ResourceGroup[]> {
    const accountId = filter.accountId ?? (await accountIdOf(this.authenticator));
    const q = new URLSearchParams({ account_id: accountId, ...(filter.name !== undefined ? { name: filter.name } : {}) });
    const url = `${this.base}/v2/resource_groups?${q.toString()}`;
    const operation = filter.name === undefined ? `list the resource groups of account ${accountId}` : `find resource group "${filter.name}" in account ${accountId}`;
    const res = await callSdk({ operation, method: 'GET', url, signal: options.signal }, this.auth, () =>
      this.sdk.listResourceGroups({ accountId, ...(filter.name !== undefined ? { name: filter.name } : {}), signal: options.signal } as ResourceManagerV2.ListResourceGroupsParams),
    );
    const groups = res.result?.resources;
    if (!Array.isArray(groups)) throw new IbmResponseError({ operation, method: 'GET', url, status: res.status, problem: 'no "resources" list' });
    return groups.map(fromWire);
  }

  /**
   * A group by id or by name (ids first: a value shaped like an id is looked up as one, then as a name). Rejects with
   * IbmLookupError, which lists the account's group names, when neither finds it.
   */
  async resolveResourceGroup(idOrName: string, options: CallOptions & { accountId?: string } = {}): Promise<ResourceGroup> {
    if (isResourceGroupId(idOrName)) {
      const byId = await this.getResourceGroup(idOrName, options);
      if (byId) return byId;
    }
    const accountId = options.accountId ?? (await accountIdOf(this.authenticator));
    const [match] = await this.listResourceGroups({ accountId, name: idOrName }, options);
    if (match) return match;
    const known = (await this.listResourceGroups({ accountId }, options)).map((g) => g.name);
    throw new IbmLookupError({ kind: 'resource group', value: idOrName, known, accountId, method: 'GET', url: `${this.base}/v2/resource_groups?account_id=${accountId}&name=${encodeURIComponent(idOrName)}` });
  }
}
