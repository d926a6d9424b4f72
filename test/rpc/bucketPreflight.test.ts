import { expect } from 'chai';
import { provider } from '../../provider/src/rpc/stubs';
import { failuresOf } from '../../provider/src/runner/providers';
import { type Failure, useFixture } from './support/fixture';
import { secret, toStruct, UNKNOWN } from './support/plugin';

/**
 * Preview's bucket pre-flight and the BucketAuthorization resource, through the real plugin over gRPC against the
 * emulator (its COS reached with the API key alone, its IAM Policy Management API). The calls follow the engine's
 * order for a preview of a fresh stack: per resource registration, Check (pulumi/pulumi
 * pkg/resource/deploy/step_generator.go generateSteps, `checkInputs`), and only if every Check passed a CreateStep
 * whose Apply calls Create with preview=true (step.go CreateStep.Apply); a failed Check stops the deployment before
 * any Create. A collector with `dependsOn` an authorization is registered after it (the SDK awaits its
 * dependencies' URNs before RegisterResource), so the authorization's Check comes first in the same process.
 */

const AUTH_TYPE = 'ibmflowlogs:index:BucketAuthorization';
const AUTH_URN = (name: string) => `urn:pulumi:dev::flowlogs::${AUTH_TYPE}::${name}`;
const plain = (s: { toJavaScript(): object } | undefined): Record<string, any> => (s ? (s.toJavaScript() as Record<string, any>) : {});
const FIX_COMMAND = 'ibmcloud iam authorization-policy-create is cloud-object-storage Writer --source-resource-type flow-log-collector --target-service-instance-id';

describe('rpc: preview checks each collector\'s storage bucket (exists, in the region, authorized)', () => {
  const fx = useFixture({ engine: true });

  /** Configure with COS reached by the API key alone (no HMAC keys), and the emulator's COS instance. */
  async function configureCos(options: { instance?: boolean } = {}): Promise<void> {
    const f = fx();
    const e = f.endpoints;
    const config = { apiKey: secret(e.apiKey), vpcEndpoint: e.vpcEndpoint, iamEndpoint: e.iamEndpoint, taggingEndpoint: e.taggingEndpoint, cosEndpoint: e.cosEndpoint, ...(options.instance === false ? {} : { cosInstance: e.cosInstanceId }) };
    const checked = await f.checkConfig(config);
    expect(checked.failures).to.deep.equal([]);
    await f.configureWith(checked.inputs);
  }

  async function checkAuthorization(name: string, news: object, olds: object = {}): Promise<{ inputs: Record<string, any>; failures: Failure[] }> {
    const r = new provider.CheckRequest().setUrn(AUTH_URN(name)).setName(name).setType(AUTH_TYPE);
    r.setOlds(toStruct(olds));
    r.setNews(toStruct(news));
    r.setRandomseed('c2VlZC1mb3ItdGVzdHM=');
    const res = await fx().plugin.call('check', r);
    return { inputs: plain(res.getInputs()), failures: failuresOf(res.getFailuresList()) };
  }

  async function authorizationCall(method: 'create' | 'read' | 'delete' | 'diff', name: string, fill: (r: any) => void): Promise<any> {
    const R = { create: provider.CreateRequest, read: provider.ReadRequest, delete: provider.DeleteRequest, diff: provider.DiffRequest }[method];
    const r = new R().setUrn(AUTH_URN(name)).setName(name).setType(AUTH_TYPE);
    fill(r);
    return fx().plugin.call(method, r);
  }

  async function bucket(name: string, body: object = {}): Promise<void> {
    expect((await fx().emulator.control('POST', '/buckets', { name, ...body })).status).to.equal(201);
  }

  const warnings = () => fx().engine!.messages.filter((m) => m.message.startsWith('bucket pre-flight:')).map((m) => m.message);

  beforeEach(() => {
    fx().engine!.messages.length = 0;
  });

  it('passes an existing, single-region, authorized bucket (the seed\'s bucket-c)', async () => {
    await configureCos();
    const f = fx();
    expect((await f.check('ok', { target: f.ids.vpc, storageBucket: 'bucket-c' })).failures).to.deep.equal([]);
    expect(warnings()).to.deep.equal([]);
  });

  it('fails a missing bucket, before anything is created, naming the bucket and the fix', async () => {
    await configureCos();
    const f = fx();
    const { failures } = await f.check('web', { target: f.ids.vpc, storageBucket: 'no-such-bucket' });
    expect(failures).to.deep.equal([
      { property: 'storageBucket', reason: 'bucket "no-such-bucket" does not exist in Cloud Object Storage; create it as a single-region bucket in us-south (the target\'s region), or name an existing one' },
    ]);
    expect((await f.state()).collectors).to.deep.equal([]);
  });

  it('fails a bucket in another location, and a cross-region one, saying where it is and what is needed', async () => {
    await configureCos();
    const f = fx();
    await bucket('logs-in-frankfurt', { location: 'eu-de-standard' });
    await bucket('logs-cross-region', { location: 'us-smart' });
    expect((await f.check('eu', { target: f.ids.vpc, storageBucket: 'logs-in-frankfurt' })).failures).to.deep.equal([
      {
        property: 'storageBucket',
        reason: 'bucket "logs-in-frankfurt" is a single-region bucket in eu-de (location constraint eu-de-standard), but flow logs need a single-region bucket in us-south, the target\'s region; name a bucket created in us-south',
      },
    ]);
    const cross = await f.check('cross', { target: f.ids.subnet1, storageBucket: 'logs-cross-region' });
    expect(cross.failures.map((x) => x.property)).to.deep.equal(['storageBucket']);
    expect(cross.failures[0].reason).to.match(/^bucket "logs-cross-region" is a cross-region bucket in us \(location constraint us-smart\)/);
    expect((await f.state()).collectors).to.deep.equal([]);
  });

  it('fails an unauthorized bucket with the ibmcloud command and the BucketAuthorization resource, and the emulator agrees', async () => {
    await configureCos();
    const f = fx();
    await bucket('logs-unauthorized', { authorized: false });
    const guid = f.endpoints.cosInstanceId;
    const { failures } = await f.check('web', { target: f.ids.vpc, storageBucket: 'logs-unauthorized' });
    expect(failures).to.deep.equal([
      {
        property: 'storageBucket',
        reason:
          `flow log collectors may not write to bucket "logs-unauthorized": no IAM authorization lets service is (resource type flow-log-collector) write (Writer) to cloud-object-storage instance ${guid} or to the bucket; ` +
          `create the authorization with \`${FIX_COMMAND} ${guid}\`, or declare it in this program: new ibmflowlogs.BucketAuthorization("flow-logs-writer", { cosInstance: "${guid}" }) (give the collector dependsOn it)`,
      },
    ]);
    // The pre-flight says what the service would: a collector on that bucket is refused.
    const refused = await f.emulator.vpc('POST', '/flow_log_collectors', { body: { name: 'direct', target: { id: f.ids.vpc }, storage_bucket: { name: 'logs-unauthorized' } } });
    expect(refused.status).to.be.within(400, 499);
    expect((await f.state()).collectors).to.deep.equal([]);
  });

  it('passes when the program declares the authorization (Check first, as dependsOn orders it), then deploys it and the collector, and leaves nothing', async () => {
    await configureCos();
    const f = fx();
    await bucket('logs-declared', { authorized: false });
    const guid = f.endpoints.cosInstanceId;
    // Preview: the authorization's Check, its preview Create, then the collector's Check and preview Create.
    const auth = await checkAuthorization('writer', { cosInstance: guid });
    expect(auth).to.deep.equal({ inputs: { cosInstance: guid, roles: ['Writer'] }, failures: [] });
    const planned = await authorizationCall('create', 'writer', (r) => r.setProperties(toStruct(auth.inputs)).setPreview(true));
    expect(planned.getId()).to.equal('');
    expect(plain(planned.getProperties())).to.include({ cosInstance: guid, scope: 'instance', policyId: UNKNOWN });
    const collector = await f.check('web', { target: f.ids.vpc, storageBucket: 'logs-declared' });
    expect(collector.failures).to.deep.equal([]);
    expect((await f.create('web', collector.inputs, { preview: true })).id).to.equal('');
    expect((await f.state()).collectors).to.deep.equal([]);

    // Update: the authorization first (the collector depends on it), then the collector, which the service accepts.
    const created = await authorizationCall('create', 'writer', (r) => r.setProperties(toStruct(auth.inputs)).setPreview(false));
    const policyId = created.getId();
    expect(plain(created.getProperties())).to.deep.equal({ cosInstance: guid, roles: ['Writer'], policyId, scope: 'instance', accountId: plain(created.getProperties()).accountId });
    const { id, outputs } = await f.create('web', collector.inputs);
    expect(outputs.storageBucket).to.equal('logs-declared');

    // Import by policy id: Read without state answers the inputs that would make it.
    const read = await authorizationCall('read', 'writer-imported', (r) => r.setId(policyId));
    expect(plain(read.getInputs())).to.deep.equal({ cosInstance: guid, roles: ['Writer'] });

    // Destroy in reverse order; nothing is left in the emulator.
    await f.delete('web', id, outputs);
    await authorizationCall('delete', 'writer', (r) => r.setId(policyId).setProperties(toStruct(plain(created.getProperties()))));
    const state = await f.state();
    expect(state.collectors).to.deep.equal([]);
    expect(state.policies.filter((p: any) => p.id === policyId && p.state === 'active')).to.deep.equal([]);
    expect((await authorizationCall('read', 'writer', (r) => r.setId(policyId))).getId()).to.equal('');
  });

  it('a declared authorization narrowed to another bucket does not count', async () => {
    await configureCos();
    const f = fx();
    await bucket('logs-other', { authorized: false });
    expect((await checkAuthorization('narrow', { cosInstance: f.endpoints.cosInstanceCrn, bucket: 'bucket-e' })).failures).to.deep.equal([]);
    const { failures } = await f.check('web', { target: f.ids.vpc, storageBucket: 'logs-other' });
    expect(failures.map((x) => x.property)).to.deep.equal(['storageBucket']);
    expect(failures[0].reason).to.contain('bucket "logs-other"').and.contain(FIX_COMMAND);
  });

  it('warns once per process where it cannot check: no COS access configured, a bucket not known in preview', async () => {
    const f = fx();
    await f.configure(); // no cosEndpoint
    expect((await f.check('a', { target: f.ids.vpc, storageBucket: 'no-such-bucket' })).failures).to.deep.equal([]);
    expect((await f.check('b', { target: f.ids.subnet1, storageBucket: 'no-such-bucket' })).failures).to.deep.equal([]);
    await configureCos();
    expect((await f.check('c', { target: f.ids.vpc, storageBucket: UNKNOWN })).failures).to.deep.equal([]);
    expect((await f.check('d', { target: f.ids.subnet1, storageBucket: UNKNOWN })).failures).to.deep.equal([]);
    // No earlier test of this process checks a collector without COS access or with an unknown bucket: each is said once.
    const seen = warnings();
    expect(seen.filter((m) => m.includes('no COS access is configured'))).to.have.length(1);
    expect(seen.filter((m) => m.includes('not known until the update'))).to.have.length(1);
  });

  it('reports every bad BucketAuthorization input with its path and value; every change replaces it', async () => {
    await configureCos();
    const { failures } = await checkAuthorization('bad', { cosInstance: 'my-cos', bucket: 'Bad_Bucket', roles: ['Writer', 'Owner'], colour: 'red' });
    expect(failures).to.deep.equal([
      { property: 'colour', reason: 'unknown property; allowed: cosInstance, bucket, roles' },
      { property: 'cosInstance', reason: '"my-cos" is neither a COS instance GUID (8-4-4-4-12 hexadecimal digits) nor a cloud-object-storage CRN' },
      { property: 'bucket', reason: '"Bad_Bucket" is not a valid Cloud Object Storage bucket name: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, not an IP address' },
      { property: 'roles[1]', reason: '"Owner" is not a Cloud Object Storage role; allowed: Reader, Writer, Manager, Content Reader, Object Reader, Object Writer' },
    ]);
    expect((await checkAuthorization('none', {})).failures).to.deep.equal([{ property: 'cosInstance', reason: 'is required: the GUID or CRN of the COS instance flow log collectors write to' }]);
    const guid = fx().endpoints.cosInstanceId;
    const olds = { cosInstance: guid, roles: ['Writer'], policyId: 'p', scope: 'instance', accountId: 'a' };
    const diff = await authorizationCall('diff', 'w', (r) => r.setId('p').setOlds(toStruct(olds)).setOldInputs(toStruct({ cosInstance: guid, roles: ['Writer'] })).setNews(toStruct({ cosInstance: guid, roles: ['Manager'] })));
    expect(diff.getReplacesList()).to.deep.equal(['roles']);
    const same = await authorizationCall('diff', 'w', (r) => r.setId('p').setOlds(toStruct(olds)).setOldInputs(toStruct({ cosInstance: guid, roles: ['Writer'] })).setNews(toStruct({ cosInstance: guid, roles: ['Writer'] })));
    expect(same.getReplacesList()).to.deep.equal([]);
  });
});

