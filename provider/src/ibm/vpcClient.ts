import { idOfCrn, isCrn, targetTypeOfCrn } from './crn';
import { IbmAbortError, IbmApiError, IbmConflictError, IbmEndpointError, IbmInvalidIdError, IbmNotFoundError, IbmResponseError, IbmTransportError, isIbmNotFound } from './errors';
import { HttpCore, type HttpResponse, type RequestSpec } from './http';
import { IamTokenSource } from './iam';
import { backoffDelay, type RetryPolicy } from './retryPolicy';
import type {
  CallOptions,
  Collector,
  CollectorFilters,
  CollectorPatch,
  CollectorPrototype,
  IbmConnection,
  InstanceInfo,
  ResolvedTarget,
  SubnetInfo,
  TargetType,
  VirtualNetworkInterfaceInfo,
  VpcInfo,
} from './types';
import {
  collectorFromWire,
  instanceFromWire,
  nextStart,
  patchToWire,
  prototypeToWire,
  subnetFromWire,
  vniFromWire,
  vpcFromWire,
  WireProblem,
} from './vpcWire';

/**
 * The VPC API v1 client: flow log collectors (CRUD, paging) and the read-only topology. Every request carries the
 * `version` date and `generation=2`; failures are typed (errors.ts); GET/PATCH/DELETE are retried by the pure policy
 * (retryPolicy.ts); a create is retried only after looking its target up, since one collector per target makes the
 * target a natural idempotency key.
 */

/** The API version date sent as `version` (IBM's window moves: pick a recent date). */
export const VPC_API_VERSION = '2025-12-16';

/** Page size for collections (IBM does not publish the bounds; 100 is the common VPC API maximum). */
export const PAGE_LIMIT = 100;

/**
 * IBM's identifier rule for VPC resources, the API's path parameters (terraform-provider-ibm documents it for every
 * `is` id: 1-64 characters matching `^[-0-9a-z_]+$`). An id is checked before it goes into a path: `..` would
 * otherwise turn `/v1/flow_log_collectors/..` into `/v1/`.
 */
export const VPC_ID_RULE = /^[-0-9a-z_]{1,64}$/;

export interface VpcClientOptions {
  /** Shares one token cache between clients (VPC and Global Tagging); one is made from the connection otherwise. */
  authenticator?: IamTokenSource;
  userAgent?: string;
  /** Overrides of the retry policy (retryPolicy.ts RETRY) for this client's requests. */
  retryPolicy?: Partial<RetryPolicy>;
}

type Json = Record<string, unknown>;

export class VpcClient {
  readonly authenticator: IamTokenSource;
  private readonly http: HttpCore;
  private readonly endpoint: string;
  /** This base URL has answered as the VPC API (a 2xx body the wire mappers accept): its 404s can mean "gone". */
  private servesVpcApi = false;

  // The connection (which holds the API key) is not kept: only the endpoint and the token source are.
  constructor(connection: IbmConnection, options: VpcClientOptions = {}) {
    this.endpoint = connection.vpcEndpoint;
    this.authenticator = options.authenticator ?? new IamTokenSource({ apiKey: connection.apiKey, iamEndpoint: connection.iamEndpoint });
    this.http = new HttpCore({
      baseUrl: `${connection.vpcEndpoint.replace(/\/+$/, '')}/v1`,
      auth: this.authenticator,
      userAgent: options.userAgent,
      defaultQuery: { version: VPC_API_VERSION, generation: '2' },
      ...(options.retryPolicy ? { retryPolicy: options.retryPolicy } : {}),
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Flow log collectors
  // ---------------------------------------------------------------------------------------------------------------

  /** Every collector that matches the filters, page after page (follows `next.href`'s `start`). */
  listCollectors(filters: CollectorFilters = {}, options: CallOptions = {}): AsyncIterable<Collector> {
    return this.paged('list flow log collectors', '/flow_log_collectors', 'flow_log_collectors', { ...filters }, collectorFromWire, options);
  }

  /**
   * The collector, or undefined when IBM answers that there is none with this id. Rejects with IbmInvalidIdError
   * for an id IBM cannot have given, and with IbmEndpointError for a 404 that is not IBM's not-found answer.
   */
  async getCollector(id: string, options: CallOptions = {}): Promise<Collector | undefined> {
    return this.orUndefined(this.idSpec('flow_log_collector', `get flow log collector ${id}`, 'GET', id, options), collectorFromWire, 'flow_log_collector');
  }

  /** The collector whose target has this id (a target has at most one), or undefined. */
  async findCollectorByTarget(targetId: string, options: CallOptions = {}): Promise<Collector | undefined> {
    for await (const c of this.listCollectors({ 'target.id': targetId }, options)) if (c.target.id === targetId) return c;
    return undefined;
  }

  /**
   * Creates a collector. Safe to retry: after a 429, a 5xx or a lost connection it waits (backoffDelay), looks the
   * target up, and returns the collector found there when its bucket (and name and resource group, when asked for)
   * match — the earlier POST did create it — or POSTs again. A 409 is not retried: when the target is taken, the
   * error names the collector that holds it.
   */
  async createCollector(proto: CollectorPrototype, options: CallOptions = {}): Promise<Collector> {
    const targetId = 'crn' in proto.target ? idOfCrn(proto.target.crn) : proto.target.id;
    const spec: RequestSpec = {
      ...this.spec(`create flow log collector for target ${targetId}`, 'POST', '/flow_log_collectors', options),
      body: prototypeToWire(proto),
      retry: 'never',
    };
    for (let attempt = 1; ; attempt++) {
      try {
        return this.read(await this.http.request(spec), spec, collectorFromWire);
      } catch (error) {
        if (IbmConflictError.isInstance(error)) {
          const existing = await this.findCollectorByTarget(targetId, options);
          // A retried POST that meets our own collector: the first one went through.
          if (existing && attempt > 1 && sameAsAsked(existing, proto)) return existing;
          if (existing) throw targetTaken(error, existing, targetId);
          throw error;
        }
        const delay = backoffDelay({ attempt, error });
        if (delay === undefined) throw error;
        await this.http.sleep(delay, spec);
        const existing = await this.findCollectorByTarget(targetId, options);
        if (existing && sameAsAsked(existing, proto)) return existing;
      }
    }
  }

  /** Renames, suspends (`active: false`) or resumes a collector (merge patch); 404 rejects with IbmNotFoundError. */
  async updateCollector(id: string, patch: CollectorPatch, options: CallOptions = {}): Promise<Collector> {
    const spec: RequestSpec = {
      ...this.idSpec('flow_log_collector', `update flow log collector ${id}`, 'PATCH', id, options),
      body: patchToWire(patch),
      contentType: 'application/merge-patch+json',
    };
    return this.read(await this.http.request(spec), spec, collectorFromWire);
  }

  /** Deletes a collector: `deleted` when IBM accepted it, `gone` when IBM answers that there is none (see getCollector). */
  async deleteCollector(id: string, options: CallOptions = {}): Promise<'deleted' | 'gone'> {
    const spec = this.idSpec('flow_log_collector', `delete flow log collector ${id}`, 'DELETE', id, options);
    try {
      await this.http.request(spec);
      return 'deleted';
    } catch (error) {
      if (await this.isGone(error, spec, 'flow_log_collector')) return 'gone';
      throw error;
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Topology (read-only)
  // ---------------------------------------------------------------------------------------------------------------

  /** The VPC, or undefined when none has this id (an id IBM cannot have given names none either). */
  async getVpc(id: string, options: CallOptions = {}): Promise<VpcInfo | undefined> {
    if (!VPC_ID_RULE.test(id)) return undefined;
    return this.orUndefined(this.spec(`get VPC ${id}`, 'GET', `/vpcs/${encodeURIComponent(id)}`, options), vpcFromWire, 'vpc');
  }

  async listVpcs(options: CallOptions = {}): Promise<VpcInfo[]> {
    return collect(this.paged('list VPCs', '/vpcs', 'vpcs', {}, vpcFromWire, options));
  }

  async listSubnets(vpcId: string, options: CallOptions = {}): Promise<SubnetInfo[]> {
    const all = await collect(this.paged(`list subnets of VPC ${vpcId}`, '/subnets', 'subnets', { 'vpc.id': vpcId }, subnetFromWire, options));
    return all.filter((s) => s.vpcId === vpcId);
  }

  /** The VPC's instances with their network interfaces and network attachments. */
  async listInstances(vpcId: string, options: CallOptions = {}): Promise<InstanceInfo[]> {
    const all = await collect(this.paged(`list instances of VPC ${vpcId}`, '/instances', 'instances', { 'vpc.id': vpcId }, instanceFromWire, options));
    return all.filter((i) => i.vpcId === vpcId);
  }

  /** Every virtual network interface in the region (the API has no VPC filter for them). */
  async listVirtualNetworkInterfaces(options: CallOptions = {}): Promise<VirtualNetworkInterfaceInfo[]> {
    return collect(this.paged('list virtual network interfaces', '/virtual_network_interfaces', 'virtual_network_interfaces', {}, vniFromWire, options));
  }

  /**
   * What an id or CRN names: its kind, its VPC and its name; undefined when nothing in the region has it. A CRN
   * names its type; a bare id is looked for among VPCs, subnets, instances and virtual network interfaces (each
   * has a GET by id), then among the instances' network attachments and network interfaces.
   */
  async resolveTarget(idOrCrn: string, options: CallOptions = {}): Promise<ResolvedTarget | undefined> {
    if (isCrn(idOrCrn)) {
      const type = targetTypeOfCrn(idOrCrn);
      if (!type) return undefined;
      const found = await this.getTyped(type, idOfCrn(idOrCrn), options);
      return found && found.crn === idOrCrn ? found : undefined;
    }
    const id = idOrCrn;
    if (!VPC_ID_RULE.test(id)) return undefined;
    // IBM's ids hint at their kind (instances `0717_…`, regional VPCs `r006-…`): try the likely one alone first.
    const likely: TargetType | undefined = /^[0-9a-z]{4}_/.test(id) ? 'instance' : /^r\d{3}-/.test(id) ? 'vpc' : undefined;
    if (likely) {
      const found = await this.getTyped(likely, id, options);
      if (found) return found;
    }
    const kinds = (['vpc', 'subnet', 'instance', 'virtual_network_interface'] as const).filter((k) => k !== likely);
    const direct = await Promise.all(kinds.map((k) => this.getTyped(k, id, options)));
    const hit = direct.find((d) => d !== undefined);
    if (hit) return hit;
    for await (const inst of this.paged('list instances', '/instances', 'instances', {}, instanceFromWire, options)) {
      const att = inst.networkAttachments.find((a) => a.id === id);
      if (att) return { type: 'instance_network_attachment', id, vpcId: inst.vpcId, name: att.name };
      const nic = inst.networkInterfaces.find((n) => n.id === id);
      if (nic) return { type: 'network_interface', id, vpcId: inst.vpcId, name: nic.name };
    }
    return undefined;
  }

  /** Closes idle keep-alive connections. */
  destroy(): void {
    this.http.destroy();
  }

  // ---------------------------------------------------------------------------------------------------------------

  private async getTyped(type: TargetType, id: string, options: CallOptions): Promise<ResolvedTarget | undefined> {
    if (!VPC_ID_RULE.test(id)) return undefined;
    const path = (collection: string) => `/${collection}/${encodeURIComponent(id)}`;
    switch (type) {
      case 'vpc': {
        const v = await this.getVpc(id, options);
        return v && { type, id: v.id, vpcId: v.id, name: v.name, crn: v.crn };
      }
      case 'subnet': {
        const s = await this.orUndefined(this.spec(`get subnet ${id}`, 'GET', path('subnets'), options), subnetFromWire, 'subnet');
        return s && { type, id: s.id, vpcId: s.vpcId, name: s.name, crn: s.crn };
      }
      case 'instance': {
        const i = await this.orUndefined(this.spec(`get instance ${id}`, 'GET', path('instances'), options), instanceFromWire, 'instance');
        return i && { type, id: i.id, vpcId: i.vpcId, name: i.name, crn: i.crn };
      }
      case 'virtual_network_interface': {
        const v = await this.orUndefined(this.spec(`get virtual network interface ${id}`, 'GET', path('virtual_network_interfaces'), options), vniFromWire, 'virtual_network_interface');
        if (!v) return undefined;
        const vpcId = v.vpcId ?? (await this.orUndefined(this.spec(`get subnet ${v.subnetId}`, 'GET', `/subnets/${encodeURIComponent(v.subnetId)}`, options), subnetFromWire, 'subnet'))?.vpcId;
        return vpcId ? { type, id: v.id, vpcId, name: v.name, crn: v.crn } : undefined;
      }
      default:
        return undefined;
    }
  }

  private spec(operation: string, method: RequestSpec['method'], path: string, options: CallOptions): RequestSpec {
    return { operation, method, path, signal: options.signal };
  }

  /** A request on one collector: its id checked against IBM's identifier rule before it goes into the path. */
  private idSpec(resource: 'flow_log_collector', operation: string, method: RequestSpec['method'], id: string, options: CallOptions): RequestSpec {
    if (typeof id !== 'string' || !VPC_ID_RULE.test(id)) {
      throw new IbmInvalidIdError({ operation, method, url: this.http.urlOf({ path: '/flow_log_collectors/{id}' }), kind: resource.replace(/_/g, ' '), id: String(id) });
    }
    return this.spec(operation, method, `/flow_log_collectors/${id}`, options);
  }

  /** Maps a 2xx body; a body that does not fit becomes IbmResponseError. */
  private read<T>(res: HttpResponse<unknown>, spec: RequestSpec, map: (value: unknown) => T): T {
    let value: T;
    try {
      value = map(res.data);
    } catch (error) {
      if (!(error instanceof WireProblem) && !(error instanceof TypeError)) throw error;
      throw new IbmResponseError({ operation: spec.operation, method: spec.method, url: this.http.urlOf(spec), status: res.status, problem: error.message });
    }
    this.servesVpcApi = true;
    return value;
  }

  private async orUndefined<T>(spec: RequestSpec, map: (value: unknown) => T, resource: string): Promise<T | undefined> {
    try {
      return this.read(await this.http.request(spec), spec, map);
    } catch (error) {
      if (await this.isGone(error, spec, resource)) return undefined;
      throw error;
    }
  }

  /**
   * Whether a failed request means the resource is gone: a 404 with IBM's not-found body (isIbmNotFound), from a
   * base URL that serves the VPC API. Any other 404 is a wrong endpoint and rejects with IbmEndpointError; other
   * errors are not "gone" (false).
   */
  private async isGone(error: unknown, spec: RequestSpec, resource: string): Promise<boolean> {
    if (!IbmNotFoundError.isInstance(error)) return false;
    const endpointError = (problem: string) =>
      new IbmEndpointError({ operation: spec.operation, method: spec.method, url: this.http.urlOf(spec), endpoint: this.endpoint, status: 404, problem, configKey: 'vpcEndpoint' });
    if (!isIbmNotFound(error, resource)) {
      const body = error.vpcErrorBody ? `with error code "${error.ibmCode}" where IBM's not-found answer has not_found or ${resource}_not_found` : "without IBM's error body";
      throw endpointError(`the endpoint answered 404 ${body}`);
    }
    if (this.servesVpcApi) return true;
    // The first 404 of this client: one collection request shows whether the base URL is the VPC API at all (a
    // wrong path prefix on a real VPC API host, or the emulator's control API, also answers `not_found`).
    const probe: RequestSpec = { ...this.spec('list flow log collectors', 'GET', '/flow_log_collectors', { signal: spec.signal }), query: { limit: 1 } };
    try {
      this.read(await this.http.request(probe), probe, (v) => {
        if (typeof v !== 'object' || v === null || !Array.isArray((v as Json).flow_log_collectors)) throw new WireProblem('the collection has no "flow_log_collectors" list');
        return v;
      });
    } catch (probeError) {
      if (IbmAbortError.isInstance(probeError)) throw probeError;
      const said = IbmApiError.isInstance(probeError)
        ? `answered ${probeError.status}${probeError.ibmCode ? ` (${probeError.ibmCode})` : ''}`
        : IbmTransportError.isInstance(probeError)
          ? `gave no answer (${probeError.transportCode})`
          : 'answered with a body that is not a flow log collector collection';
      throw endpointError(`the endpoint answered 404 with IBM's not-found code, but GET ${safePath(this.http.urlOf(probe))} ${said}, which the VPC API never does`);
    }
    return true;
  }

  private async *paged<T>(
    operation: string,
    path: string,
    key: string,
    filters: Record<string, string | undefined>,
    map: (value: unknown) => T,
    options: CallOptions,
  ): AsyncGenerator<T> {
    let start: string | undefined;
    const seen = new Set<string>();
    do {
      const spec: RequestSpec = { ...this.spec(operation, 'GET', path, options), query: { ...filters, limit: PAGE_LIMIT, start } };
      const res = await this.http.request<unknown>(spec);
      const page = this.read(res, spec, (v) => {
        if (typeof v !== 'object' || v === null || !Array.isArray((v as Json)[key])) throw new WireProblem(`the collection has no "${key}" list`);
        return v as Json;
      });
      for (const item of page[key] as unknown[]) yield this.read(res, spec, () => map(item));
      start = nextStart(page);
      if (start !== undefined) {
        if (seen.has(start)) throw new IbmResponseError({ operation, method: 'GET', url: this.http.urlOf(spec), status: res.status, problem: `next.href repeats start "${start}"` });
        seen.add(start);
      }
    } while (start !== undefined);
  }
}

/** A URL without its query (the probe's `version`, `generation` and `limit` say nothing to the reader). */
function safePath(url: string): string {
  return url.split('?')[0];
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The collector a create asked for: same bucket, and same name and resource group when they were given. */
function sameAsAsked(c: Collector, proto: CollectorPrototype): boolean {
  return (
    c.storageBucket === proto.storageBucket &&
    (proto.name === undefined || c.name === proto.name) &&
    (proto.resourceGroupId === undefined || c.resourceGroup.id === proto.resourceGroupId)
  );
}

/** IBM's 409, re-told so that it names the collector that holds the target (IBM's own message may not). */
function targetTaken(error: IbmConflictError, existing: Collector, targetId: string): IbmConflictError {
  const ibm = `IBM Cloud answered 409${error.ibmCode ? ` (${error.ibmCode})` : ''}${error.trace ? ` [trace ${error.trace}]` : ''}`;
  return new IbmConflictError({
    message:
      `Could not create flow log collector for target ${targetId}: the target already has flow log collector ` +
      `"${existing.name}" (${existing.id}, bucket "${existing.storageBucket}", ${existing.lifecycleState}); a target can have only one collector. ` +
      `Import that collector, delete it, or choose another target. ${ibm} (${error.method} ${error.url})`,
    method: error.method,
    url: error.url,
    status: error.status,
    ibmCode: error.ibmCode,
    trace: error.trace,
    moreInfo: error.moreInfo,
    target: error.target,
    details: error.details,
    existingCollector: { id: existing.id, name: existing.name, storageBucket: existing.storageBucket },
  });
}
