import { engineGrpc, grpc } from '../../../provider/src/rpc/stubs';

export interface LoggedMessage {
  severity: number;
  message: string;
  urn: string;
}

/**
 * The engine's side of `pulumirpc.Engine` (only Log), as a real gRPC server the plugin dials: the messages a user
 * would see. Plays the Pulumi CLI, which cannot be installed here.
 */
export class EngineServer {
  readonly messages: LoggedMessage[] = [];
  private server = new grpc.Server();
  address = '';

  async start(): Promise<void> {
    this.server.addService(engineGrpc.EngineService, {
      log: (call: any, done: any) => {
        this.messages.push({ severity: call.request.getSeverity(), message: call.request.getMessage(), urn: call.request.getUrn() });
        done(null, new (require('google-protobuf/google/protobuf/empty_pb').Empty)());
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
