import { empty, engineGrpc, grpc } from '../rpc/stubs';

export interface LoggedMessage {
  /** pulumirpc.LogSeverity: 0 debug, 1 info, 2 warning, 3 error. */
  severity: number;
  message: string;
  urn: string;
}

/**
 * The engine's side of `pulumirpc.Engine` (Log only), as a real gRPC server the plugin dials: it receives the
 * messages a user would see in `pulumi preview`. The offline runner and the tests play the Pulumi CLI with it.
 */
export class EngineServer {
  readonly messages: LoggedMessage[] = [];
  private server = new grpc.Server();
  address = '';

  async start(): Promise<void> {
    this.server.addService(engineGrpc.EngineService, {
      log: (call: any, done: any) => {
        this.messages.push({ severity: call.request.getSeverity(), message: call.request.getMessage(), urn: call.request.getUrn() });
        done(null, new empty.Empty());
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    this.address = `127.0.0.1:${port}`;
  }

  stop(): void {
    this.server.forceShutdown();
  }
}
