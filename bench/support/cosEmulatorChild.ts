import { startEmulator } from '../../emulator/src';

/**
 * The emulator in a process of its own for the COS benchmark, its COS answering object GETs with the fast path
 * (emulator/src/models/cosObjectGets.ts) or, given `s3rver`, through s3rver alone, as before it:
 *
 *   node cosEmulatorChild.js direct|s3rver
 *
 * prints the endpoints line as `ibm-flowlogs emulator` does, and stops on SIGTERM.
 */
async function main(): Promise<void> {
  const emulator = await startEmulator({ log: () => undefined });
  emulator.state.cos.directGets = process.argv[2] !== 's3rver';
  process.stdout.write(`${JSON.stringify(emulator.endpoints)}\n`);
  process.once('SIGTERM', () => void emulator.close().then(() => process.exit(0)));
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
