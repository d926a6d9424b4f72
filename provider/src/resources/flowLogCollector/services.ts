import type { ManagedCollectors } from '../../model/managed';
import { NotConfiguredError } from '../errors';
import type { Clients, ResourceCall, Severity } from '../types';

/** Everything one collector request works with: the configured clients, and this call's URN, log and signal. */
export interface CollectorServices extends Clients {
  urn: string;
  /** The resource's name in the program. */
  name: string;
  /** The provider's region (for messages). */
  region: string;
  managed: ManagedCollectors;
  signal: AbortSignal;
  log(severity: Exclude<Severity, 'error'>, message: string): Promise<void>;
}

/** The call's services; undefined before Configure (Check then only validates). */
export function servicesOf(call: ResourceCall): CollectorServices | undefined {
  const { context, urn, name } = call;
  const configured = context.configured;
  if (!configured) return undefined;
  return {
    ...configured.clients,
    urn,
    name,
    region: configured.region,
    managed: context.managed,
    signal: context.signal,
    log: (severity, message) => context.log(severity, message, urn),
  };
}

/** The call's services, for operations that need IBM Cloud. */
export function requireServices(call: ResourceCall): CollectorServices {
  const services = servicesOf(call);
  if (!services) throw new NotConfiguredError();
  return services;
}
