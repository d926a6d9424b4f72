import type { Server } from '@grpc/grpc-js';
import { EngineLog } from './engineLog';
import { exitWithParent } from './parentWatch';
import { ProviderServer } from './provider';
import { grpc, providerGrpc } from './stubs';

/**
 * The plugin process: binds 127.0.0.1:0, prints only the port and a newline on stdout (how the engine finds it), and
 * takes the engine address as its last argument (optional when run by hand). Unexpected errors end the process with
 * a message on stderr and a non-zero exit, never a hang.
 */
export function main(argv: string[]): void {
  const fatal = (what: string) => (error: unknown) => {
    process.stderr.write(`pulumi-resource-ibmflowlogs: ${what}: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', fatal('uncaught exception'));
  process.on('unhandledRejection', fatal('unhandled rejection'));

  const engineAddress = argv.filter((a) => !a.startsWith('-')).pop();
  const log = new EngineLog(engineAddress);
  const server: Server = new grpc.Server({ 'grpc.max_receive_message_length': 400 * 1024 * 1024 });
  const providerServer = new ProviderServer(log);
  server.addService(providerGrpc.ResourceProviderService, providerServer.implementation());
  server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
    if (error) return fatal('cannot bind 127.0.0.1:0')(error);
    process.stdout.write(`${port}\n`);
  });
  // A signal cancels in-flight waits first (as Cancel does: a Create in progress answers with its id), so that the
  // graceful shutdown does not wait out a long Create; whatever still has not finished after 2 s is cut off.
  const stop = () => {
    providerServer.cancelInFlight();
    setTimeout(() => {
      server.forceShutdown();
      process.exit(0);
    }, 2000).unref();
    server.tryShutdown(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  exitWithParent(stop);
}
