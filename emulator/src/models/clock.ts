/**
 * The emulator's clock: wall time plus an offset that `POST /_emulator/clock/advance` moves forward. Lifecycle
 * transitions and token expiry are judged against it, so tests drive time instead of sleeping.
 */
export class Clock {
  private offsetMs = 0;
  private readonly listeners: Array<(now: number) => void> = [];

  constructor(offsetMs = 0) {
    this.offsetMs = offsetMs;
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  get offsetSeconds(): number {
    return this.offsetMs / 1000;
  }

  advance(seconds: number): number {
    this.offsetMs += seconds * 1000;
    const now = this.now();
    for (const listener of this.listeners) listener(now);
    return now;
  }

  /** Called after every advance; the flow-log writer hangs its intervals here. */
  onAdvance(listener: (now: number) => void): void {
    this.listeners.push(listener);
  }

  iso(at = this.now()): string {
    return new Date(at).toISOString();
  }
}
