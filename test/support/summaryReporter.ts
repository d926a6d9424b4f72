import Mocha = require('mocha');

/**
 * Mocha's spec reporter plus one closing line, `N passed, N failed[, N skipped]`, alone on its line: the plain
 * summary CI reads (it does not read mocha's own summary).
 */
class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      const skipped = pending > 0 ? `, ${pending} skipped` : '';
      process.stdout.write(`\n${passes} passed, ${failures} failed${skipped}\n`);
    });
  }
}

export = SummaryReporter;
