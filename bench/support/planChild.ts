import { runPlan } from '../../provider/src/cli/planCommand';

/**
 * One `ibm-flowlogs plan` run in a process of its own, so that its CPU time is its own: argv as the CLI takes it, the
 * report counted and dropped; prints one JSON line {status, wallMs, cpuMs, reportBytes, maxRssMb}.
 */
async function main(): Promise<void> {
  let reportBytes = 0;
  let stderr = '';
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const status = await runPlan(process.argv.slice(2), { stdout: (t) => (reportBytes += Buffer.byteLength(t)), stderr: (t) => (stderr += t), env: process.env });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  process.stdout.write(`${JSON.stringify({ status, wallMs, cpuMs: (used.user + used.system) / 1000, reportBytes, maxRssMb: process.resourceUsage().maxRSS / 1024, stderr: stderr.slice(0, 500) })}\n`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
