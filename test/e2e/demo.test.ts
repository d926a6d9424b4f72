import { expect } from 'chai';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '../../..');

describe('make demo (umbrella-and-exceptions through the offline runner, then its flow logs)', function () {
  this.timeout(120_000);
  let stdout: string;
  // A failed demo exits non-zero, which rejects here: the before hook fails, and with it every test.
  before(async () => {
    ({ stdout } = await promisify(execFile)(process.execPath, ['dist/scripts/demo.js'], { cwd: ROOT, timeout: 110_000, maxBuffer: 16 * 1024 * 1024 }));
  });

  it('runs start to finish, exits 0 and shows the move warnings, the coverage table, both findings and an empty cloud', () => {
    expect(stdout).to.match(/warning: 3 interfaces of subnet-2 move from bucket-e to bucket-c: collector "subnet-exception-[0-9a-f]{4}" now wins over "vpc-umbrella-[0-9a-f]{4}"/);
    expect(stdout).to.contain('No drift: every resource matches the cloud.');
    // The coverage table: every interface once, with its winning collector and bucket.
    expect(stdout).to.match(/instance-1\/eth0 +subnet-1 +vpc-umbrella-[0-9a-f]{4} +bucket-e\n/);
    expect(stdout).to.match(/instance-3\/eth0 +subnet-2 +subnet-exception-[0-9a-f]{4} +bucket-c\n/);
    expect(stdout).to.match(/instance-5\/eth0 +subnet-3 +instance-exception-[0-9a-f]{4} +bucket-instance-5\n/);
    expect(stdout.match(/^ {2}instance-\d\/eth\d /gm)).to.have.length(7);
    expect(stdout).to.match(/Replies from 10\.240\.1\.5:5432 \(tcp\) .* are rejected outbound on interface/);
    expect(stdout).to.contain('203.0.113.66 was rejected on 100 distinct ports');
    expect(stdout).to.contain('collectors left in the emulator: 0');
    expect(stdout).to.contain('Emulator stopped.');
  });

  it('prints commands that can be pasted: the export of the HMAC keys reads them from endpoints.json and shows none', () => {
    const exported = stdout.split('\n').find((l) => l.startsWith('$ export '));
    expect(exported, 'the demo shows the export').to.be.a('string');
    expect(exported).not.to.contain('…');
    const dir = mkdtempSync(join(tmpdir(), 'ibmflowlogs-demo-paste-'));
    try {
      writeFileSync(join(dir, 'endpoints.json'), JSON.stringify({ cosAccessKeyId: 'key-id-1', cosSecretAccessKey: 'secret-2' }));
      const pasted = execFileSync('bash', ['-c', `${exported!.slice(2)}\necho "$AWS_ACCESS_KEY_ID $AWS_SECRET_ACCESS_KEY"`], { cwd: dir, encoding: 'utf8' });
      expect(pasted).to.equal('key-id-1 secret-2\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
