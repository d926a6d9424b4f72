import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hermeticEnv, runCli } from '../support/runner';

// `ibm-flowlogs logs` run as a process, the way a user runs it: exit status and the message's value and fix.
describe('ibm-flowlogs logs: messages for paths and filters that find nothing', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'logs-messages-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a missing --dir is exit 2 naming the full path, not "0 objects analyzed"', async () => {
    const missing = join(dir, 'no-such-dir');
    const r = await runCli(['logs', '--dir', missing], hermeticEnv());
    expect(r.code).to.equal(2);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.equal(`ibm-flowlogs logs: --dir ${resolve(missing)}: no such directory; pass the directory the flow-log .gz objects were downloaded to\n`);
  });

  it('a --dir that is a file is exit 2 saying so', async () => {
    const file = join(dir, 'object.gz');
    writeFileSync(file, '');
    const r = await runCli(['logs', '--dir', file], hermeticEnv());
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain(`--dir ${file} is a file, not a directory`);
  });

  it('filters that match no object are exit 2 with what was looked for and that filters take ids', async () => {
    const r = await runCli(['logs', '--dir', dir, '--interface', 'eth0', '--vpc', 'my-vpc'], hermeticEnv());
    expect(r.code).to.equal(2);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.contain(`no flow-log object in directory ${dir} matches --vpc my-vpc, --interface eth0`);
    expect(r.stderr).to.contain('take the id or CRN that the object keys hold');
  });

  it('without filters an empty directory is still a report (a new collector has written nothing yet)', async () => {
    const r = await runCli(['logs', '--dir', dir, '--format', 'json'], hermeticEnv());
    expect(r.code, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout).objects.analyzed).to.equal(0);
  });
});
