/**
 * Worker threads that answer requests by id, each request sent to the least busy one: what the decode pool
 * (duckdb/decodePool.ts) and the COS fetch pool (cosFetchPool.ts) share. A worker that fails or exits fails every
 * request in flight and every later one.
 */
import { Worker } from 'node:worker_threads';

export interface WorkerPoolOptions {
  /** What each worker's `workerData` is. */
  workerData?: unknown;
  /** Let the process exit while no request is in flight (otherwise the workers hold it until close()). */
  unrefWhenIdle?: boolean;
}

export class WorkerPool<Request extends object, Response extends { id: number }> {
  private readonly workers: Worker[] = [];
  private readonly load: number[] = [];
  private readonly pending = new Map<number, { worker: number; resolve: (r: Response) => void; reject: (e: Error) => void }>();
  private next = 0;
  private failed?: Error;

  /** @param what the workers' name in errors, e.g. "decode worker" */
  constructor(file: string, size: number, what: string, private readonly options: WorkerPoolOptions = {}) {
    for (let i = 0; i < Math.max(1, size); i++) {
      const worker = new Worker(file, options.workerData === undefined ? {} : { workerData: options.workerData });
      worker.on('message', (m: Response) => this.settle(m));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => code !== 0 && this.fail(new Error(`a ${what} exited with code ${code}`)));
      if (options.unrefWhenIdle) worker.unref();
      this.workers.push(worker);
      this.load.push(0);
    }
  }

  /** The answer of the least busy worker to `request` (sent with an `id` of the pool's). */
  send(request: Request): Promise<Response> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.next++;
    let worker = 0;
    for (let i = 1; i < this.load.length; i++) if (this.load[i] < this.load[worker]) worker = i;
    if (this.load[worker]++ === 0 && this.options.unrefWhenIdle) this.workers[worker].ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { worker, resolve, reject });
      this.workers[worker].postMessage({ id, ...request });
    });
  }

  private settle(m: Response): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (--this.load[p.worker] === 0 && this.options.unrefWhenIdle) this.workers[p.worker].unref();
    p.resolve(m);
  }

  private fail(error: Error): void {
    this.failed ??= error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
