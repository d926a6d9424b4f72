import { durableWrites } from './durableWrites';
import { emulatorGets } from './emulatorGets';
import { createMany } from './createMany';
import { deployment } from './deployment';
import { pluginStart } from './pluginStart';
import { precedence } from './precedence';
import { flowlogs, flowlogsCos } from './flowlogs';
import { planLarge } from './planLarge';
import { cliStart, releasePluginStart } from './startup';

/** `npm run bench`: every benchmark in turn (or those a title filter names: main()); each prints its figures and the ratio measured side by side. */
const BENCHMARKS: Array<[string, () => Promise<string[]>]> = [
  ['emulator: collector GETs on loopback', emulatorGets],
  ['emulator: writes acknowledged only once durable (--state)', durableWrites],
  ['plugin start-up', pluginStart],
  ['plugin start-up: the release tarball unpacked as the engine installs it, next to the checkout', releasePluginStart],
  ['ibm-flowlogs --help next to node -e 0', cliStart],
  ['plugin: 200 collectors in one VPC', createMany],
  ['plugin: a deployment of N = 100, 300, 1,000, 3,000 collectors (preview, create, update, delete)', deployment],
  ['precedence simulator: 1,000,000 interfaces, 100,000 collectors', precedence],
  ['flow-log analysis: native and DuckDB engines, hostile objects', flowlogs],
  ['flow-log reads: COS vs a local directory', flowlogsCos],
  ['ibm-flowlogs plan: 100,000 interfaces, 10,000 planned collectors, against the emulator', planLarge],
];

async function main(): Promise<void> {
  // `npm run bench -- WORDS`: only the benchmarks whose title contains WORDS.
  const only = process.argv.slice(2).join(' ');
  for (const [title, run] of BENCHMARKS.filter(([t]) => t.includes(only))) {
    process.stdout.write(`\n== ${title}\n`);
    for (const line of await run()) process.stdout.write(`   ${line}\n`);
  }
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
