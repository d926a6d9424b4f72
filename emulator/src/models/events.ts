import type { Clock } from './clock';

/**
 * What the service would report outside the API: Activity Tracker actions (`is.flow-log-collector.flow-log-collector.*`)
 * and, later, the flow-log service's own log messages (`is.flow-log-collector.00002E`, …). Bounded, newest last.
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

  record(action: string, resource: string, detail?: string): void {
    this.events.push({ time: this.clock.iso(), action, resource, ...(detail ? { detail } : {}) });
    if (this.events.length > LIMIT) this.events.splice(0, this.events.length - LIMIT);
  }

  clear(): void {
    this.events.length = 0;
  }
}
