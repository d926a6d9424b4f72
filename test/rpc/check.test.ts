import { expect } from 'chai';
import { useFixture } from './support/fixture';
import { UNKNOWN } from './support/plugin';

/** IBM's name rule for collectors: 1-63 lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen. */
const IBM_NAME_RULE = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const SEED_A = Buffer.from('seed-a').toString('base64');
const SEED_B = Buffer.from('seed-b').toString('base64');
const BOOL_UNKNOWN = '1c4a061d-8072-4f0a-a4cb-0ff528b18fe7';
const ARRAY_UNKNOWN = '6a19a0b0-7e62-4c92-b797-7f8e31da9cc2';

describe('rpc: Check of FlowLogCollector', () => {
  const fx = useFixture();

  it('reports every bad input at once, each with its property path', async () => {
    const { failures } = await fx().check('bad', {
      target: 'Not An Id!',
      storageBucket: 'Bad_Bucket',
      name: 'Bad Name-',
      active: 'yes',
      resourceGroup: 'nope',
      tags: ['ok', 'bad,tag', 'OK'],
    });
    expect(failures).to.deep.equal([
      { property: 'target', reason: '"Not An Id!" is neither a resource id (lowercase letters, digits, "-" and "_", e.g. r006-…, 0717-…) nor a CRN' },
      {
        property: 'storageBucket',
        reason: '"Bad_Bucket" is not a valid Cloud Object Storage bucket name: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, not an IP address',
      },
      { property: 'name', reason: '"Bad Name-" is not a valid name: 1-63 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen' },
      { property: 'active', reason: 'must be true or false, received "yes"' },
      { property: 'tags[1]', reason: '"bad,tag" is not a valid tag: 1-128 letters, digits, spaces and ":_.-"' },
      { property: 'tags[2]', reason: '"OK" repeats tags[0] (tags are case-insensitive)' },
      // Looked up once the shape checks are done: the group's name is well-formed, and no group has it.
      {
        property: 'resourceGroup',
        reason:
          'no resource group is named "nope" in the API key\'s account; the account\'s groups: "default", "network". ' +
          "Give an existing group's name or its id (32 lowercase hexadecimal characters; `ibmcloud resource groups` lists them), or leave resourceGroup unset for the account's default group",
      },
    ]);
  });

  it('refuses a CRN of a type that cannot be a target', async () => {
    const crn = 'crn:v1:bluemix:public:is:us-south:a/7c1f0e4b2a9d48e6b3f5a0c2d9e8f716::flow-log-collector:r006-11111111-2222-3333-4444-555555555555';
    const { failures } = await fx().check('bad', { target: crn, storageBucket: 'bucket-c' });
    expect(failures).to.deep.equal([
      {
        property: 'target',
        reason: 'a CRN of resource type "flow-log-collector" cannot be a flow log collector target; allowed: vpc, subnet, instance, virtual-network-interface (give network interfaces and network attachments by id)',
      },
    ]);
  });

  it('reports an unknown property and missing required properties', async () => {
    expect((await fx().check('bad', { target: fx().ids.vpc, storageBucket: 'bucket-c', colour: 'red' })).failures).to.deep.equal([
      { property: 'colour', reason: 'unknown property; allowed: target, storageBucket, name, active, resourceGroup, tags, accessTags' },
    ]);
    expect((await fx().check('bad', {})).failures).to.deep.equal([
      { property: 'target', reason: 'is required' },
      { property: 'storageBucket', reason: 'is required' },
    ]);
  });

  it('fails on target when no such resource exists in the region (by id and by a CRN of another account)', async () => {
    const missing = 'r006-00000000-0000-0000-0000-000000000000';
    expect((await fx().check('web', { target: missing, storageBucket: 'bucket-c' })).failures).to.deep.equal([
      { property: 'target', reason: `no VPC, subnet, instance, network interface, virtual network interface or network attachment has the id or CRN "${missing}" in region us-south, the provider's region; a target takes an id or a CRN, not a name: check the value, or set ibmflowlogs:region to the region the target is in` },
    ]);
    const foreign = fx().ids.vpcCrn.replace(/a\/[0-9a-f]+::/, 'a/00000000000000000000000000000000::');
    const res = await fx().check('web', { target: foreign, storageBucket: 'bucket-c' });
    expect(res.failures.map((f) => f.property)).to.deep.equal(['target']);
  });

  it('applies defaults: active true and a name from the resource name, deterministic for the same randomSeed', async () => {
    const f = fx();
    const first = await f.check('web', { target: f.ids.vpc, storageBucket: 'bucket-c' }, {}, SEED_A);
    const again = await f.check('web', { target: f.ids.vpc, storageBucket: 'bucket-c' }, {}, SEED_A);
    const other = await f.check('web', { target: f.ids.vpc, storageBucket: 'bucket-c' }, {}, SEED_B);
    expect(first.failures).to.deep.equal([]);
    expect(first.inputs).to.deep.equal({ target: f.ids.vpc, storageBucket: 'bucket-c', active: true, name: first.inputs.name });
    expect(first.inputs.name).to.match(/^web-[0-9a-f]{7}$/);
    expect(again.inputs.name).to.equal(first.inputs.name);
    expect(other.inputs.name).to.match(/^web-[0-9a-f]{7}$/).and.not.equal(first.inputs.name);
  });

  it('autonames are valid under IBM\'s rule whatever the resource name', async () => {
    const f = fx();
    const names = ['My_Collector.1', '123', 'UPPER--case--', 'x'.repeat(100), 'a', '-leading-hyphen', 'ünïcødé name'];
    // One target each: a target taken twice in one deployment fails Check (test/rpc/deploymentStory.test.ts).
    const targets = [f.ids.vpc, f.ids.subnet1, f.ids.subnet2, f.ids.instance1, f.ids.nic, f.ids.vni, f.ids.attachment];
    for (const [i, resourceName] of names.entries()) {
      const { inputs, failures } = await f.check(resourceName, { target: targets[i], storageBucket: 'bucket-c' }, {}, SEED_A);
      expect(failures, resourceName).to.deep.equal([]);
      expect(inputs.name, resourceName).to.match(IBM_NAME_RULE);
      expect(inputs.name.length, resourceName).to.be.at.most(63);
    }
    expect((await f.check('My_Collector.1', { target: f.ids.vpc, storageBucket: 'bucket-c' }, {}, SEED_A)).inputs.name).to.match(/^my-collector-1-[0-9a-f]{7}$/);
  });

  it('keeps the name an earlier Check gave (an update never renames by accident)', async () => {
    const f = fx();
    const { inputs } = await f.check('web', { target: f.ids.vpc, storageBucket: 'bucket-e' }, { target: f.ids.vpc, storageBucket: 'bucket-c', name: 'web-1234567', active: true }, SEED_B);
    expect(inputs.name).to.equal('web-1234567');
  });

  it('passes unknown inputs (every sentinel) through unknown, skipping their validation', async () => {
    const f = fx();
    const { inputs, failures } = await f.check('web', { target: UNKNOWN, storageBucket: 'bucket-c', name: UNKNOWN, active: BOOL_UNKNOWN, tags: ARRAY_UNKNOWN });
    expect(failures).to.deep.equal([]);
    expect(inputs).to.deep.equal({ target: UNKNOWN, storageBucket: 'bucket-c', name: UNKNOWN, active: UNKNOWN, tags: UNKNOWN });
  });

  it('accepts a valid target of each kind, by id and by CRN', async () => {
    const f = fx();
    const { ids } = f;
    for (const target of [ids.vpc, ids.vpcCrn, ids.subnet1, ids.subnet1Crn, ids.instance1, ids.instance1Crn, ids.nic, ids.vni, ids.vniCrn, ids.attachment]) {
      expect((await f.check('web', { target, storageBucket: 'bucket-c', name: 'web' })).failures, target).to.deep.equal([]);
    }
  });
});
