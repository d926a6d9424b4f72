import { expect } from 'chai';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { NAMES_RETRY } from '../../provider/src/cli/logs/names';
import { startEmulator, type RunningEmulator } from '../../emulator/src';
import { EmulatorClient } from '../support/emulator';
import { writeScenario } from '../support/emulatorFlowLogs';
import { hermeticEnv, runCli } from '../support/runner';

/** A loopback port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const { port } = server.address() as { port: number };
  await new Promise<void>((res) => server.close(() => res()));
  return port;
}

/** The flags a help text lists (`--name`), in order, without repeats. */
function helpFlags(help: string): string[] {
  return [...new Set([...help.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)].map((m) => m[1]))];
}

// `ibm-flowlogs logs` run as a process: its help against what it accepts, names from the VPC API, COS failures.
describe('ibm-flowlogs logs: connection flags, names and COS failures', function () {
  this.timeout(60_000);

  describe('--help lists the flags the command reads, and only those', () => {
    let help: string;
    before(async () => {
      const r = await runCli(['logs', '--help'], hermeticEnv());
      expect(r.code).to.equal(0);
      help = r.stdout;
    });

    it('no connection flag that logs never uses (tagging, private endpoints, COS instance) is listed, and each is refused', async () => {
      for (const flag of ['tagging-endpoint', 'private', 'cos-instance']) {
        expect(help, flag).not.to.contain(`--${flag}`);
        const r = await runCli(['logs', '--dir', '.', `--${flag}`, ...(flag === 'private' ? [] : ['x'])], hermeticEnv());
        expect(r.code, flag).to.equal(2);
        expect(r.stderr, flag).to.contain(`Unknown option '--${flag}'`);
      }
    });

    it('every flag in the help is accepted by the parser (all of them at once)', async () => {
      const flags = helpFlags(help);
      expect(flags).to.include.members(['bucket', 'dir', 'cos-endpoint', 'cos-access-key-id', 'cos-secret-access-key', 'api-key', 'iam-endpoint', 'vpc-endpoint', 'region']);
      const args = flags.filter((f) => f !== 'help').flatMap((f) => [`--${f}`, 'x']);
      const r = await runCli(['logs', ...args, '--help'], hermeticEnv());
      expect(r.stderr).to.equal('');
      expect(r.code).to.equal(0);
    });

    it('every connection flag in the help is read: a bad value for each is refused naming that flag', async () => {
      const port = await closedPort();
      const dead = `http://127.0.0.1:${port}`;
      const bucket = ['--bucket', 'b'];
      const cases: Array<{ flag: string; args: string[]; env?: Record<string, string>; code: number; says: string }> = [
        { flag: 'region', args: ['--dir', '.', '--region', 'mars'], code: 2, says: '--region must be an IBM Cloud VPC region' },
        { flag: 'vpc-endpoint', args: ['--dir', '.', '--vpc-endpoint', 'localhost:8080', '--api-key', 'k'], code: 2, says: '--vpc-endpoint' },
        { flag: 'cos-endpoint', args: [...bucket, '--cos-endpoint', dead, '--cos-access-key-id', 'a', '--cos-secret-access-key', 'b'], code: 1, says: `at ${dead} (connection refused` },
        { flag: 'cos-access-key-id', args: [...bucket, '--cos-endpoint', dead, '--cos-access-key-id', 'a'], code: 2, says: '--cos-secret-access-key' },
        { flag: 'cos-secret-access-key', args: [...bucket, '--cos-endpoint', dead, '--cos-secret-access-key', 'b'], code: 2, says: '--cos-access-key-id' },
        { flag: 'api-key', args: ['--dir', '.', '--vpc-endpoint', dead], code: 2, says: '--api-key' },
        { flag: 'iam-endpoint', args: [...bucket, '--cos-endpoint', dead, '--api-key', 'k', '--iam-endpoint', dead], code: 1, says: `could not reach IAM at ${dead}` },
      ];
      // The flags the Connection section defines (each at the start of its line).
      const connection = [...help.slice(help.indexOf('Connection')).matchAll(/^ {2}--([a-z-]+)/gm)].map((m) => m[1]);
      expect(cases.map((c) => c.flag).sort()).to.deep.equal(connection.sort());
      for (const c of cases) {
        const r = await runCli(['logs', ...c.args], hermeticEnv(c.env));
        expect(r.code, `${c.flag}: ${r.stderr}`).to.equal(c.code);
        expect(r.stderr, c.flag).to.contain(c.says);
        expect(r.stderr, c.flag).not.to.contain('This service may not be available');
      }
    });
  });

  describe('against the emulator (flow logs written for the subnets of vpc-1)', () => {
    let emulator: RunningEmulator;
    let client: EmulatorClient;
    before(async () => {
      emulator = await startEmulator({ pendingSeconds: 0, deletingSeconds: 0, clockStart: '2026-01-05T09:00:00Z', log: () => undefined });
      client = new EmulatorClient(emulator);
      await writeScenario(client);
    });
    after(() => emulator.close());

    const hmacEnv = () => hermeticEnv({ AWS_ACCESS_KEY_ID: client.endpoints.cosAccessKeyId, AWS_SECRET_ACCESS_KEY: client.endpoints.cosSecretAccessKey });

    it('with --vpc-endpoint and the API key, the interface and the collector are named beside their ids, in the tables and the finding', async () => {
      const ep = client.endpoints;
      const nic = await client.idOf('networkInterfaces', 'eth0', 'instance-3');
      const r = await runCli(['logs', '--bucket', 'bucket-c', '--cos-endpoint', ep.cosEndpoint, '--vpc-endpoint', ep.vpcEndpoint, '--iam-endpoint', ep.iamEndpoint], { ...hmacEnv(), IBMCLOUD_API_KEY: ep.apiKey });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(new RegExp(`^${nic}\\s+eth0 of instance-3\\s+\\d`, 'm'));
      expect(r.stdout).to.match(/^crn:v1:\S+::flow-log-collector:r006-\S+\s+subnet-1-logs\s+\d/m);
      expect(r.stdout).to.contain(`on interface ${nic} (eth0 of instance-3)`);
      expect(r.stdout + r.stderr).not.to.contain(ep.apiKey);
      expect(r.stdout + r.stderr).not.to.contain(ep.cosSecretAccessKey);

      const json = await runCli(['logs', '--bucket', 'bucket-c', '--cos-endpoint', ep.cosEndpoint, '--vpc-endpoint', ep.vpcEndpoint, '--iam-endpoint', ep.iamEndpoint, '--format', 'json'], { ...hmacEnv(), IBMCLOUD_API_KEY: ep.apiKey });
      expect(JSON.parse(json.stdout).names.interfaces[nic]).to.equal('eth0 of instance-3');
    });

    it('without the VPC API, ids only and no error', async () => {
      const nic = await client.idOf('networkInterfaces', 'eth0', 'instance-3');
      const r = await runCli(['logs', '--bucket', 'bucket-c', '--cos-endpoint', client.endpoints.cosEndpoint], hmacEnv());
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.equal('');
      expect(r.stdout).to.match(new RegExp(`^${nic}\\s+\\d`, 'm'));
      expect(r.stdout).not.to.contain('eth0 of instance-3');
    });

    it('a VPC API that does not answer costs the names only: a warning naming the endpoint, ids, exit 0', async () => {
      const ep = client.endpoints;
      const dead = `http://127.0.0.1:${await closedPort()}`;
      const nic = await client.idOf('networkInterfaces', 'eth0', 'instance-3');
      const r = await runCli(['logs', '--bucket', 'bucket-c', '--cos-endpoint', ep.cosEndpoint, '--vpc-endpoint', dead, '--iam-endpoint', dead], { ...hmacEnv(), IBMCLOUD_API_KEY: 'some-key-4321' });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).to.match(new RegExp(`^ibm-flowlogs logs: warning: ids without names: could not read the VPC API at ${dead}: .*ECONNREFUSED`));
      expect(r.stderr).not.to.contain('some-key-4321');
      expect(r.stdout).to.match(new RegExp(`^${nic}\\s+\\d`, 'm'));
    });

    it('a VPC API answering 503 is asked twice, not six times as the provider would: the names are a decoration', async () => {
      // A real local server standing in for a VPC API in trouble; the emulator's IAM gives the token.
      const paths: string[] = [];
      const server = createHttpServer((req, res) => {
        paths.push(`${req.method} ${String(req.url).split('?')[0]}`);
        res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'service_unavailable', message: 'try later' }] }));
      });
      await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
      try {
        const vpc = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
        const ep = client.endpoints;
        const r = await runCli(['logs', '--bucket', 'bucket-c', '--cos-endpoint', ep.cosEndpoint, '--vpc-endpoint', vpc, '--iam-endpoint', ep.iamEndpoint], { ...hmacEnv(), IBMCLOUD_API_KEY: ep.apiKey });
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stderr).to.match(new RegExp(`^ibm-flowlogs logs: warning: ids without names: could not read the VPC API at ${vpc}: `));
        expect(paths.filter((p) => p === 'GET /v1/vpcs')).to.have.length(NAMES_RETRY.maxAttempts).and.to.have.length(2);
      } finally {
        await new Promise<void>((res) => server.close(() => res()));
      }
    });

    it('AccessDenied with the API key (a token from another IAM) says which IAM role reading flow logs needs', async () => {
      const other = await startEmulator({ log: () => undefined });
      try {
        const ep = client.endpoints.cosEndpoint;
        const r = await runCli(['logs', '--bucket', 'bucket-c', '--cos-endpoint', ep, '--iam-endpoint', other.endpoints.iamEndpoint], hermeticEnv({ IBMCLOUD_API_KEY: other.endpoints.apiKey }));
        expect(r.code).to.equal(1);
        expect(r.stderr).to.equal(
          `ibm-flowlogs logs: Cloud Object Storage at ${ep} denied listing bucket bucket-c (AccessDenied: Access Denied: The IAM access token was not issued by this IAM.): the API key's identity needs an IAM access policy with the Content Reader (or Reader, Writer, Manager) role on the bucket or its COS instance\n`,
        );
      } finally {
        await other.close();
      }
    });

    it('a missing bucket on the emulator\'s COS (real HTTP) is exit 1: the bucket, the endpoint and what to check', async () => {
      const ep = client.endpoints.cosEndpoint;
      const r = await runCli(['logs', '--bucket', 'no-such-bucket', '--cos-endpoint', ep], hmacEnv());
      expect(r.code).to.equal(1);
      expect(r.stdout).to.equal('');
      expect(r.stderr).to.equal(`ibm-flowlogs logs: bucket no-such-bucket does not exist at ${ep} (NoSuchBucket): check --bucket (the collector's storageBucket), and that --cos-endpoint is the endpoint of the bucket's region\n`);
    });

    it('wrong HMAC keys and a refused API key are told in IBM\'s terms, naming the flag, never the secret', async () => {
      const ep = client.endpoints;
      const wrongSecret = await runCli(['logs', '--bucket', 'bucket-c', '--cos-endpoint', ep.cosEndpoint], hermeticEnv({ AWS_ACCESS_KEY_ID: ep.cosAccessKeyId, AWS_SECRET_ACCESS_KEY: 'not-the-secret-1234' }));
      expect(wrongSecret.code).to.equal(1);
      expect(wrongSecret.stderr).to.contain('(SignatureDoesNotMatch): the HMAC secret access key does not belong to the access key id; check --cos-secret-access-key');
      expect(wrongSecret.stderr).not.to.contain('not-the-secret-1234');

      const unknownKey = await runCli(['logs', '--bucket', 'bucket-c', '--cos-endpoint', ep.cosEndpoint], hermeticEnv({ AWS_ACCESS_KEY_ID: 'nobody', AWS_SECRET_ACCESS_KEY: 'x' }));
      expect(unknownKey.code).to.equal(1);
      expect(unknownKey.stderr).to.contain('does not know the HMAC access key id (InvalidAccessKeyId): check --cos-access-key-id');

      const badKey = await runCli(['logs', '--bucket', 'bucket-c', '--cos-endpoint', ep.cosEndpoint, '--iam-endpoint', ep.iamEndpoint], hermeticEnv({ IBMCLOUD_API_KEY: 'refused-key-5678' }));
      expect(badKey.code).to.equal(1);
      expect(badKey.stderr).to.contain(`IAM at ${ep.iamEndpoint} gave no token for Cloud Object Storage`);
      expect(badKey.stderr).to.contain('check --api-key');
      expect(badKey.stderr).not.to.contain('refused-key-5678');
      expect(badKey.stderr).not.to.contain('AWS_CONFIG_FILE');
    });
  });

  it('COS on a closed port is exit 1: could not reach Cloud Object Storage at the endpoint (connection refused), and what to check', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const r = await runCli(['logs', '--bucket', 'bucket-c', '--cos-endpoint', endpoint], hermeticEnv({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }));
    expect(r.code).to.equal(1);
    expect(r.stderr).to.equal(
      `ibm-flowlogs logs: could not reach Cloud Object Storage at ${endpoint} (connection refused, ECONNREFUSED): check --cos-endpoint (the region's endpoint, such as https://s3.us-south.cloud-object-storage.appdomain.cloud), or, with the emulator, that \`ibm-flowlogs emulator\` is running and this is the cosEndpoint it printed\n`,
    );
  });
});
