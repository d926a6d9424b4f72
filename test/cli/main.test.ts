import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const MAIN = resolve(__dirname, '../../provider/src/cli/main.js'); // compiled beside this test under dist/

/** Runs main(argv) in a fresh Node.js: what it printed, and every module it loaded (relative to dist/ or node_modules). */
function run(argv: string[]): { stdout: string; modules: string[] } {
  const script = `require(${JSON.stringify(MAIN)}).main(${JSON.stringify(argv)}).then(() => process.stderr.write(JSON.stringify(Object.keys(require.cache))))`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  const modules = (JSON.parse(r.stderr) as string[]).map((m) => m.replace(/^.*\/(dist|node_modules)\//, '$1/'));
  return { stdout: r.stdout, modules };
}

describe('cli: ibm-flowlogs loads a command\'s modules only when it runs', () => {
  it('--help and --version load the dispatcher and the package info, nothing else (no emulator, no s3rver, no plan)', () => {
    for (const argv of [['--help'], ['--version']]) {
      const { stdout, modules } = run(argv);
      expect(modules.sort(), argv[0]).to.deep.equal(['dist/provider/src/cli/main.js', 'dist/provider/src/package/info.js']);
      expect(stdout).to.match(argv[0] === '--help' ? /^ibm-flowlogs <command> \[options\]\n/ : /^\d+\.\d+\.\d+\n$/);
    }
  });

  it('`emulator --help` loads the emulator and s3rver, and not the plan or the runner', () => {
    const { stdout, modules } = run(['emulator', '--help']);
    expect(stdout).to.match(/^ibm-flowlogs emulator \[options\]/);
    expect(modules.some((m) => m.startsWith('node_modules/s3rver/'))).to.equal(true);
    expect(modules.filter((m) => /cli\/(planCommand|logsCommand|runCommand)\.js$|\/runner\//.test(m))).to.deep.equal([]);
  });
});
