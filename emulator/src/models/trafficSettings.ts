import { EmulatorError, type ErrorDetail } from '../errors';

/**
 * Which traffic the flow-log writer logs for each interface (`POST /_emulator/traffic`). Interfaces without a setting
 * of their own follow the default (`normal` unless `interfaceId: "*"` changed it).
 */

export const SCENARIOS = ['normal', 'nacl-drops-replies', 'port-scan', 'none'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** A scenario with its options, defaults filled in. */
export type TrafficSetting =
  | { scenario: 'normal'; clients: number }
  | { scenario: 'nacl-drops-replies'; port: number; clients: number; connections: number; background: boolean }
  | { scenario: 'port-scan'; scanner: string; ports: number; background: boolean }
  | { scenario: 'none' };

export const DEFAULT_SETTING: TrafficSetting = { scenario: 'normal', clients: 3 };

/** Whether the interface also carries the normal background traffic (web, DNS, and traffic with its VPC peers). */
export function hasBackground(s: TrafficSetting): boolean {
  if (s.scenario === 'none') return false;
  return s.scenario === 'normal' || s.background;
}

type Json = Record<string, unknown>;

interface OptionSpec {
  kind: 'int' | 'bool' | 'ipv4';
  min?: number;
  max?: number;
  default: number | boolean | string;
}

const OPTIONS: Record<ScenarioName, Record<string, OptionSpec>> = {
  normal: { clients: { kind: 'int', min: 1, max: 20, default: 3 } },
  'nacl-drops-replies': {
    port: { kind: 'int', min: 1, max: 65535, default: 5432 },
    clients: { kind: 'int', min: 1, max: 20, default: 2 },
    connections: { kind: 'int', min: 1, max: 50, default: 2 },
    background: { kind: 'bool', default: true },
  },
  'port-scan': {
    scanner: { kind: 'ipv4', default: '203.0.113.66' },
    ports: { kind: 'int', min: 1, max: 1000, default: 100 },
    background: { kind: 'bool', default: true },
  },
  none: {},
};

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Parses `{"interfaceId", "scenario", ...options}`; every problem is listed in one 400. */
export function parseTrafficBody(body: unknown): { interfaceId: string; setting: TrafficSetting } {
  const problems: ErrorDetail[] = [];
  const problem = (name: string, message: string, code: ErrorDetail['code'] = 'invalid_value') => problems.push({ code, message, target: { name, type: 'field' } });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new EmulatorError({ code: 'invalid_value', message: 'The request body must be a JSON object: {"interfaceId", "scenario", ...options}.' });
  }
  const b = body as Json;
  if (typeof b.interfaceId !== 'string' || b.interfaceId === '') {
    problem('interfaceId', 'interfaceId is required: a network interface or instance network attachment id, or "*" for the default of every interface without a setting of its own.', b.interfaceId === undefined ? 'missing_field' : 'invalid_value');
  }
  const scenario = b.scenario as ScenarioName;
  if (!SCENARIOS.includes(scenario)) {
    problem('scenario', `scenario must be one of ${SCENARIOS.join(', ')}; received ${JSON.stringify(b.scenario)?.slice(0, 40)}.`, b.scenario === undefined ? 'missing_field' : 'invalid_value');
    throw new EmulatorError(problems);
  }
  const specs = OPTIONS[scenario];
  const setting: Json = { scenario };
  for (const key of Object.keys(b)) {
    if (key !== 'interfaceId' && key !== 'scenario' && !(key in specs)) {
      const allowed = Object.keys(specs);
      problem(key, `Unknown option "${key}" for scenario ${scenario}; ${allowed.length ? `allowed: ${allowed.join(', ')}` : 'it takes no options'}.`, 'invalid_field');
    }
  }
  for (const [key, spec] of Object.entries(specs)) {
    const value = b[key];
    if (value === undefined) {
      setting[key] = spec.default;
    } else if (spec.kind === 'int' && (!Number.isInteger(value) || (value as number) < spec.min! || (value as number) > spec.max!)) {
      problem(key, `${key} must be a whole number from ${spec.min} to ${spec.max}; received ${JSON.stringify(value)?.slice(0, 40)}.`);
    } else if (spec.kind === 'bool' && typeof value !== 'boolean') {
      problem(key, `${key} must be a boolean; received ${JSON.stringify(value)?.slice(0, 40)}.`);
    } else if (spec.kind === 'ipv4' && (typeof value !== 'string' || !IPV4.test(value))) {
      problem(key, `${key} must be an IPv4 address (flow logs are IPv4 only); received ${JSON.stringify(value)?.slice(0, 40)}.`);
    } else {
      setting[key] = value;
    }
  }
  if (problems.length > 0) throw new EmulatorError(problems);
  return { interfaceId: b.interfaceId as string, setting: setting as unknown as TrafficSetting };
}

export interface TrafficSnapshot {
  default: TrafficSetting;
  interfaces: Record<string, TrafficSetting>;
}

export class TrafficModel {
  private readonly byInterface = new Map<string, TrafficSetting>();
  defaultSetting: TrafficSetting = DEFAULT_SETTING;

  constructor(snapshot?: TrafficSnapshot) {
    if (snapshot) {
      this.defaultSetting = snapshot.default;
      for (const [id, s] of Object.entries(snapshot.interfaces)) this.byInterface.set(id, s);
    }
  }

  get(interfaceId: string): TrafficSetting {
    return this.byInterface.get(interfaceId) ?? this.defaultSetting;
  }

  /** Whether the interface has a setting of its own (else it follows the default). */
  isSet(interfaceId: string): boolean {
    return this.byInterface.has(interfaceId);
  }

  set(interfaceId: string, setting: TrafficSetting): void {
    if (interfaceId === '*') this.defaultSetting = setting;
    else this.byInterface.set(interfaceId, setting);
  }

  clear(): void {
    this.byInterface.clear();
    this.defaultSetting = DEFAULT_SETTING;
  }

  snapshot(): TrafficSnapshot {
    return { default: this.defaultSetting, interfaces: Object.fromEntries(this.byInterface) };
  }
}
