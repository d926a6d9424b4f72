import type { Severity } from '../resources/types';
import { engine, engineGrpc, grpc } from './stubs';

/** How long a caller that awaits a log line waits for the engine at most. */
const LOG_DEADLINE_MS = 5000;

/**
 * Messages for the user go to the engine's Log service (the engine hides a plugin's stdout and stderr). Without an
 * engine address (run by hand, some tests) they go to stderr; stdout carries only the port.
 */
export class EngineLog {
  private client?: InstanceType<typeof engineGrpc.EngineClient>;

  constructor(address?: string) {
    if (address) this.client = new engineGrpc.EngineClient(address, grpc.credentials.createInsecure());
  }

  attach(address: string): void {
    this.client?.close();
    this.client = new engineGrpc.EngineClient(address, grpc.credentials.createInsecure());
  }

  log(severity: Severity, message: string, urn = ''): Promise<void> {
    if (!this.client) {
      process.stderr.write(`[${severity}] ${message}\n`);
      return Promise.resolve();
    }
    const req = new engine.LogRequest();
    req.setSeverity({ debug: engine.LogSeverity.DEBUG, info: engine.LogSeverity.INFO, warning: engine.LogSeverity.WARNING, error: engine.LogSeverity.ERROR }[severity]);
    req.setMessage(message);
    req.setUrn(urn);
    // A lost log line must never fail an operation, nor hold it up for long (callers may await the delivery).
    return new Promise((resolve) => this.client!.log(req, new grpc.Metadata(), { deadline: Date.now() + LOG_DEADLINE_MS }, () => resolve()));
  }

  close(): void {
    this.client?.close();
  }
}
