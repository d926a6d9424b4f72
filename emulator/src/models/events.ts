import type { Clock } from './clock';

/**
 * What the service would report outside the API: Activity Tracker actions (`is.flow-log-collector.flow-log-collector.*`)
 * and the flow-log service's own log messages (`is.flow-log-collector.00002E` unauthorized bucket,
 * `is.flow-log-collector.00003E` bucket not found; written by flowLogWriter.ts). Bounded, newest last.
 */
export interface ServiceEvent {
  time: string;
  action: string;
  resource: string;
  detail?: string;
}

const LIMIT = 2000;

export class EventLog {
  readonly events: ServiceEvent[];

  constructor(private readonly clock: Clock, events: ServiceEvent[] = []) {
    this.events = [...events];
  }

  /** `at` (ms on the emulator clock) when the event belongs to another moment than now, e.g. a capture window's end. */
  record(action: string, resource: string, detail?: string, at?: number): void {
    this.events.push({ time: this.clock.iso(at), action, resource, ...(detail ? { detail } : {}) });
    if (this.events.length > LIMIT) this.events.splice(0, this.events.length - LIMIT);
  }

  clear(): void {
    this.events.length = 0;
  }
}
