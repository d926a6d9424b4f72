import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTOR_TYPE, PULUMI_UNKNOWN } from '../../provider/src/cli/plan/inputs';
import { hermeticEnv, runCli } from '../support/runner';

// `ibm-flowlogs plan` as a process: planned collectors are held to the rules FlowLogCollector's Check applies
// (provider/src/model/collectorRules.ts), every problem with its path, the value and the rule, exit 2. The files are
// refused before any connection is made, so the endpoints below need not answer.
describe('ibm-flowlogs plan: planned collectors get the same validation as FlowLogCollector\'s Check', function () {
  this.timeout(60_000);
  const connection = ['--api-key', 'k', '--vpc-endpoint', 'http://127.0.0.1:9', '--iam-endpoint', 'http://127.0.0.1:9'];
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'plan-validation-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const NAME_RULE = 'is not a valid name: 1-63 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen';
  const BUCKET_RULE = 'is not a valid Cloud Object Storage bucket name: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, not an IP address';
  const TARGET_RULE = 'is neither a resource id (lowercase letters, digits, "-" and "_", e.g. r006-…, 0717-…) nor a CRN';

  it('--collectors: a bad name, bucket and target are each refused with path, value and rule, all at once, exit 2', async () => {
    const file = join(dir, 'planned.json');
    writeFileSync(
      file,
      JSON.stringify([
        { name: 'My_Logs', target: '0717-97b52197-b3c5-416c-abc9-29cba54db90d', storageBucket: 'bucket-c' },
        { name: 'ok-logs', target: 'Not An Id!', storageBucket: 'Bucket_C' },
        { name: 'trailing-', target: 'crn:v1:bluemix:public:is:us-south:a/acct::flow-log-collector:r006-1', storageBucket: 'bucket-c' },
      ]),
    );
    const r = await runCli(['plan', '--collectors', file, ...connection], hermeticEnv());
    expect(r.code).to.equal(2);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.equal(
      `ibm-flowlogs plan: ${file} has collectors that cannot be planned (5 problems):\n` +
        `  - collectors[0].name: "My_Logs" ${NAME_RULE}\n` +
        `  - collectors[1].target: "Not An Id!" ${TARGET_RULE}\n` +
        `  - collectors[1].storageBucket: "Bucket_C" ${BUCKET_RULE}\n` +
        `  - collectors[2].name: "trailing-" ${NAME_RULE}\n` +
        '  - collectors[2].target: a CRN of resource type "flow-log-collector" cannot be a flow log collector target; allowed: vpc, subnet, instance, virtual-network-interface (give network interfaces and network attachments by id)\n',
    );
  });

  it('--preview: the inputs a step gives (name, bucket, target, tags, resource group) get the rules; unknown values are skipped', async () => {
    const urn = (name: string) => `urn:pulumi:dev::p::${COLLECTOR_TYPE}::${name}`;
    const step = (name: string, inputs: Record<string, unknown>) => ({ op: 'create', urn: urn(name), newState: { urn: urn(name), custom: true, type: COLLECTOR_TYPE, inputs, outputs: inputs } });
    const file = join(dir, 'preview.json');
    writeFileSync(
      file,
      JSON.stringify({
        steps: [
          step('a', { name: '9lives', target: 'r006-88cfe3ee-b8dd-477d-a236-8c50e87c555f', storageBucket: 'b', tags: ['ok', 'bad,tag'], resourceGroup: ' ' }),
          step('b', { name: PULUMI_UNKNOWN, target: PULUMI_UNKNOWN, storageBucket: 'bucket-c' }),
        ],
      }),
    );
    const r = await runCli(['plan', '--preview', file, ...connection], hermeticEnv());
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal(
      `ibm-flowlogs plan: ${file} has collector steps that cannot be planned (4 problems):\n` +
        `  - steps[0].newState.inputs.name: "9lives" ${NAME_RULE}\n` +
        '  - steps[0].newState.inputs.resourceGroup: must be a resource group id (32 lowercase hexadecimal characters) or name, received " "\n' +
        '  - steps[0].newState.inputs.tags[1]: "bad,tag" is not a valid tag: 1-128 letters, digits, spaces and ":_.-"\n' +
        `  - steps[0].newState.inputs.storageBucket: "b" ${BUCKET_RULE}\n`,
    );
  });
});
