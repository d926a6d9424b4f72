import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hermeticEnv, runCli } from '../support/runner';

describe('ibm-flowlogs emulator: a topology it cannot read is a usage error that says what to give', () => {
  it('a missing file or a directory: exit 2, the absolute path, why, and the default topology to use instead', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ibmflowlogs-topology-'));
    try {
      for (const [given, why] of [[join(dir, 'nope.json'), 'no such file'], [dir, 'a directory, not a file']]) {
        const r = await runCli(['emulator', '--topology', given], hermeticEnv());
        expect(r.code, r.stderr).to.equal(2);
        expect(r.stdout, 'no endpoints line').to.equal('');
        expect(r.stderr).to.contain(`topology ${resolve(given)}: ${why}; give a topology JSON file, e.g. `);
        expect(r.stderr).to.contain('emulator/topologies/use-case-1.json (the default), or leave out --topology');
        expect(r.stderr).not.to.match(/ENOENT|EISDIR|at .*\.js:\d+/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
