/**
 * The provider context of one plugin process (resources/types.ts ProviderContext): the clients Configure builds, the
 * registry of managed collectors, the cancellation signal and the engine log. Every resource and function call of the
 * process reaches them through it.
 */
import { type Env, type ProviderConfig, resolveConfig } from '../config';
import type { FunctionServices } from '../functions/types';
import { ManagedCollectors } from '../model/managed';
import { NotConfiguredError } from '../resources/errors';
import type { Configured, ProviderContext, Severity } from '../resources/types';
import type { PObject } from './codec';
import type { EngineLog } from './engineLog';

/** Builds the clients; the IBM SDK and axios load here, not at plugin start-up, which stays fast. */
function connect(config: ProviderConfig): Configured {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ibm: typeof import('../ibm') = require('../ibm');
  const iam = new ibm.IamTokenSource({ apiKey: config.apiKey, iamEndpoint: config.iamEndpoint });
  const vpc = new ibm.VpcClient(config, { authenticator: iam });
  const topology = new ibm.TopologyReader(vpc);
  const tags = new ibm.TaggingClient(config, { authenticator: iam });
  return { region: config.region, clients: { vpc, tags, topology, targets: new ibm.TargetIndex(vpc, topology) } };
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
    const { vpc, topology, targets } = configured.clients;
    return { vpc, topology, targets, region: configured.region, signal: this.signal };
  }
}
