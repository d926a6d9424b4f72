/** Requests by method and route template (`GET /v1/flow_log_collectors/{id}`), so tests can prove what was sent. */
export class RequestCounters {
  total = 0;
  byRoute: Record<string, number> = {};
  faultsFired = 0;

  count(method: string, route: string): void {
    this.total += 1;
    const key = `${method} ${route}`;
    this.byRoute[key] = (this.byRoute[key] ?? 0) + 1;
  }

  clear(): void {
    this.total = 0;
    this.byRoute = {};
    this.faultsFired = 0;
  }

  toJSON(): object {
    return { total: this.total, byRoute: { ...this.byRoute }, faultsFired: this.faultsFired };
  }
}
