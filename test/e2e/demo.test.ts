import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '../../..');

describe('make demo (the scripted tour of the emulator)', () => {
  it('runs start to finish, exits 0 and shows each step of the tour', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['dist/scripts/demo.js'], { cwd: ROOT, timeout: 60_000 });
    expect(stdout).to.match(/200 Bearer token \(JWT, 3 parts\), expires in 3600 s/);
    expect(stdout).to.match(/vpc-1 \(r006-[0-9a-f-]+\): 3 subnets, 6 instances, 7 network interfaces/);
    expect(stdout).to.match(/201 vpc-umbrella r006-[0-9a-f-]+: lifecycle_state pending, active true/);
    expect(stdout).to.contain('vpc-umbrella: lifecycle_state stable');
    expect(stdout).to.contain('409 flow_log_collector_target_conflict');
    expect(stdout).to.contain('after 5 s: GET answers 404 (flow_log_collector_not_found)');
    expect(stdout).to.contain('  2  POST /v1/flow_log_collectors');
    expect(stdout).to.contain('Emulator stopped.');
  });
});
