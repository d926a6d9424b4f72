import { EmulatorError } from '../errors';

export type FaultKind = '429' | '500' | '503' | 'latency' | 'drop' | 'lost-response';
export const FAULT_KINDS: readonly FaultKind[] = ['429', '500', '503', 'latency', 'drop', 'lost-response'];

export interface Fault {
  id: number;
  method: string;
  path: string;
  kind: FaultKind;
  /** Requests still to be hit. */
  remaining: number;
  fired: number;
  retryAfter?: number;
  latencyMs?: number;
}

/** Faults armed for the next N requests that match a method and a path (`*` at the end matches any rest). */
export class FaultModel {
  private nextId = 1;
  faults: Fault[] = [];

  add(input: unknown): Fault {
    const problems: string[] = [];
    const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
    if (typeof input !== 'object' || input === null || Array.isArray(input)) problems.push('the body must be a JSON object');
    for (const key of Object.keys(o)) {
      if (!['method', 'path', 'kind', 'count', 'retryAfter', 'latencyMs'].includes(key)) problems.push(`unknown field "${key}"`);
    }
    if (typeof o.method !== 'string' || !/^([A-Z]+|\*)$/.test(o.method)) problems.push('method must be an HTTP method in capitals, or "*"');
    if (typeof o.path !== 'string' || !o.path.startsWith('/')) problems.push('path must start with "/" (it may end in "*")');
    if (!FAULT_KINDS.includes(o.kind as FaultKind)) problems.push(`kind must be one of ${FAULT_KINDS.join(', ')}`);
    const count = o.count ?? 1;
    if (!Number.isInteger(count) || (count as number) < 1) problems.push('count must be a whole number of at least 1');
    if (o.retryAfter !== undefined && (!Number.isInteger(o.retryAfter) || (o.retryAfter as number) < 0)) problems.push('retryAfter must be a whole number of seconds');
    if (o.kind === 'latency' && (!Number.isInteger(o.latencyMs) || (o.latencyMs as number) < 0 || (o.latencyMs as number) > 600000)) {
      problems.push('latencyMs must be a whole number of milliseconds up to 600000 for a latency fault');
    }
    if (problems.length > 0) {
      throw new EmulatorError(problems.map((message) => ({ code: 'invalid_value' as const, message: `Fault not armed: ${message}.` })));
    }
    const fault: Fault = {
      id: this.nextId++,
      method: o.method as string,
      path: o.path as string,
      kind: o.kind as FaultKind,
      remaining: count as number,
      fired: 0,
      ...(o.retryAfter !== undefined ? { retryAfter: o.retryAfter as number } : o.kind === '429' ? { retryAfter: 1 } : {}),
      ...(o.latencyMs !== undefined ? { latencyMs: o.latencyMs as number } : {}),
    };
    this.faults.push(fault);
    return fault;
  }

  /** The fault this request hits, if any; its count goes down by one. */
  take(method: string, path: string): Fault | undefined {
    const fault = this.faults.find((f) => (f.method === '*' || f.method === method) && matches(f.path, path));
    if (!fault) return undefined;
    fault.remaining -= 1;
    fault.fired += 1;
    if (fault.remaining === 0) this.faults = this.faults.filter((f) => f !== fault);
    return { ...fault };
  }

  clear(): void {
    this.faults = [];
  }
}

function matches(pattern: string, path: string): boolean {
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path;
}
