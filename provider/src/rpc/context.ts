/**
 * The provider context of one plugin process (resources/types.ts ProviderContext): the clients Configure builds, the
 * registry of managed collectors, the cancellation signal and the engine log. Every resource and function call of the
 * process reaches them through it.
 */
import { type Env, type ProviderConfig, resolveConfig } from '../config';
import type { FunctionServices } from '../functions/types';
import { Deployment } from '../model/deployment';
import { ManagedCollectors } from '../model/managed';
import { NotConfiguredError } from '../resources/errors';
import type { Configured, ProviderContext, Severity } from '../resources/types';
import type { PObject } from './codec';
import type { EngineLog } from './engineLog';

/** Builds the clients; the IBM SDK and axios load here, not at plugin start-up, which stays fast. */
export function connect(config: ProviderConfig): Configured {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ibm: typeof import('../ibm') = require('../ibm');
  const iam = new ibm.IamTokenSource({ apiKey: config.apiKey, iamEndpoint: config.iamEndpoint });
  const vpc = new ibm.VpcClient(config, { authenticator: iam });
  const topology = new ibm.TopologyReader(vpc);
  const tags = new ibm.TaggingClient(config, { authenticator: iam });
  const iamPolicies = new ibm.IamPolicyClient(config, { authenticator: iam });
  const policies = Object.assign(iamPolicies, { accountId: () => ibm.accountIdOf(iam) });
  const resourceManager = new ibm.ResourceManagerClient(config, { authenticator: iam });
  // One look-up per group name and deployment: a thousand collectors in group "default" ask once. A failed one is
  // not kept, so the next Check asks again.
  const byName = new Map<string, ReturnType<typeof resourceManager.listResourceGroups>>();
  // The names found, by id: a preview shows the group's name of a collector whose group was given by name.
  const names = new Map<string, string>();
  const named = (name: string, options?: { signal?: AbortSignal }) => {
    let groups = byName.get(name);
    if (!groups) {
      groups = resourceManager.listResourceGroups({ name }, options);
      byName.set(name, groups);
      groups.then((found) => found.forEach((g) => g.name === name && names.set(g.id, g.name))).catch(() => byName.delete(name));
    }
    return groups;
  };
  const resourceGroups = { named, list: (options?: { signal?: AbortSignal }) => resourceManager.listResourceGroups({}, options), nameOf: (id: string) => names.get(id) };
  const deployment = new Deployment((filters, options) => vpc.listCollectors(filters, options));
  return { region: config.region, deployment, clients: { vpc, tags, topology, targets: new ibm.TargetIndex(vpc, topology), policies, resourceGroups, ...(config.cos ? { buckets: bucketReads(config) } : {}) } };
}

/** COS through ibm-cos-sdk, with the HMAC keys when given, else the API key (IAM bearer tokens); loaded on first use. */
function bucketReads(config: ProviderConfig): NonNullable<Configured['clients']['buckets']> {
  const cos = config.cos as NonNullable<ProviderConfig['cos']>;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (): typeof import('../ibm/cos') => require('../ibm/cos');
  let client: import('../ibm/cos').CosClient | undefined;
  const s3 = () =>
    (client ??= load().createCosClient({
      endpoint: cos.endpoint,
      region: config.region,
      iamEndpoint: config.iamEndpoint,
      ...(cos.accessKeyId ? { accessKeyId: cos.accessKeyId, secretAccessKey: cos.secretAccessKey } : { apiKey: config.apiKey }),
      ...(cos.instance ? { serviceInstanceId: cos.instance } : {}),
    }));
  return {
    exists: (bucket, options) => load().headBucket(s3(), bucket, options),
    location: (bucket, options) => load().getBucketLocation(s3(), bucket, options),
    ...(cos.instance ? { instance: cos.instance } : {}),
  };
}

export class ProcessContext implements ProviderContext {
  configured: Configured | undefined;
  readonly managed = new ManagedCollectors();
  private cancel = new AbortController();

  constructor(private readonly engineLog: EngineLog) {}

  get signal(): AbortSignal {
    return this.cancel.signal;
  }

  /** Configure: the configuration from its args (or variables) and this machine's environment. Throws ConfigError. */
  configure(args: PObject, env: Env): void {
    this.configured = connect(resolveConfig(args, env));
  }

  /** What Cancel does: every wait and retry sleep listens to this signal and ends now; later calls get a fresh one. */
  cancelInFlight(): void {
    this.cancel.abort();
    this.cancel = new AbortController();
  }

  log(severity: Severity, message: string, urn = ''): Promise<void> {
    return this.engineLog.log(severity, message, urn);
  }

  /** The engine's address, given later (Attach). */
  attach(address: string): void {
    this.engineLog.attach(address);
  }

  /** What the functions read with; throws before Configure. */
  functionServices(): FunctionServices {
    const configured = this.configured;
    if (!configured) throw new NotConfiguredError();
    const { vpc, topology, targets, resourceGroups } = configured.clients;
    return { vpc, topology, targets, resourceGroups, deployment: configured.deployment, region: configured.region, signal: this.signal };
  }
}
