import { expect } from 'chai';
import fc from 'fast-check';
import { OUTPUT_VALUE_SIG, PObject, PValue, SECRET_SIG, SIG_KEY, Secret, UNKNOWN, UNKNOWN_SENTINELS, containsUnknown, decodeObject, encodeObject, unwrap } from '../../provider/src/rpc/codec';
import { CONFIG_KEYS, ConfigError, ProviderConfig, VPC_REGIONS, checkConfig, diffConfig, isSecretKey, resolveConfig } from '../../provider/src/config';

const PUBLIC_DEFAULTS = {
  region: 'us-south',
  vpcEndpoint: 'https://us-south.iaas.cloud.ibm.com',
  iamEndpoint: 'https://iam.cloud.ibm.com',
  taggingEndpoint: 'https://tags.global-search-tagging.cloud.ibm.com',
  resourceManagerEndpoint: 'https://resource-controller.cloud.ibm.com',
  private: false,
};
const ALLOWED_KEYS = 'region, apiKey, vpcEndpoint, iamEndpoint, taggingEndpoint, resourceManagerEndpoint, private, cosEndpoint, cosAccessKeyId, cosSecretAccessKey, cosInstance';
const REGIONS = 'au-syd, br-sao, ca-mon, ca-tor, eu-de, eu-es, eu-gb, in-che, jp-osa, jp-tok, us-east, us-south';
const MISSING_API_KEY =
  'no IBM Cloud API key: set it with `pulumi config set --secret ibmflowlogs:apiKey <value>` or the environment variable IBMCLOUD_API_KEY or IC_API_KEY';

describe('config: checkConfig (table)', () => {
  it('returns only what the configuration sets: environment fallbacks and defaults count for the checks, not for the inputs', () => {
    // The engine stores these inputs in the stack's state: an API key from IBMCLOUD_API_KEY must not land there, and
    // a default must not make a diff against a machine whose environment sets the same value.
    expect(checkConfig({}, { IBMCLOUD_API_KEY: 'env-key', IBMCLOUD_REGION: 'eu-de' })).to.deep.equal({ inputs: {}, failures: [] });
    expect(checkConfig({ apiKey: 'k', private: 'false' }, {})).to.deep.equal({ inputs: { apiKey: new Secret('k'), private: false }, failures: [] });
    expect(resolveConfig({}, { IBMCLOUD_API_KEY: 'env-key' })).to.deep.equal({ ...PUBLIC_DEFAULTS, apiKey: 'env-key' });
  });

  it('reports a missing API key naming the config key and both environment variables', () => {
    expect(checkConfig({}, {})).to.deep.equal({ inputs: {}, failures: [{ property: 'apiKey', reason: MISSING_API_KEY }] });
    expect(checkConfig({ apiKey: '' }, { IBMCLOUD_API_KEY: '' }).failures).to.deep.equal([{ property: 'apiKey', reason: MISSING_API_KEY }]);
  });

  it('takes environment fallbacks in order, and config over environment', () => {
    expect(resolveConfig({}, { IC_API_KEY: 'ic', IC_REGION: 'eu-de' })).to.deep.include({ apiKey: 'ic', region: 'eu-de', vpcEndpoint: 'https://eu-de.iaas.cloud.ibm.com' });
    expect(resolveConfig({}, { IBMCLOUD_API_KEY: 'ibm', IC_API_KEY: 'ic', IBMCLOUD_REGION: 'jp-tok', IC_REGION: 'eu-de' })).to.deep.include({ apiKey: 'ibm', region: 'jp-tok' });
    expect(resolveConfig({ apiKey: 'cfg', region: 'ca-tor' }, { IBMCLOUD_API_KEY: 'ibm', IBMCLOUD_REGION: 'jp-tok' })).to.deep.include({ apiKey: 'cfg', region: 'ca-tor' });
    expect(
      resolveConfig(
        { apiKey: 'k' },
        { IBMCLOUD_IS_NG_API_ENDPOINT: 'http://127.0.0.1:8080/v1', IBMCLOUD_IAM_API_ENDPOINT: 'http://127.0.0.1:8080/', IBMCLOUD_GT_API_ENDPOINT: 'http://127.0.0.1:8081', IBMCLOUD_RESOURCE_MANAGEMENT_API_ENDPOINT: 'http://127.0.0.1:8082/' },
      ),
    ).to.deep.include({ vpcEndpoint: 'http://127.0.0.1:8080', iamEndpoint: 'http://127.0.0.1:8080', taggingEndpoint: 'http://127.0.0.1:8081', resourceManagerEndpoint: 'http://127.0.0.1:8082' });
  });

  it('refuses a region that is not a VPC region, listing the allowed ones', () => {
    expect(checkConfig({ apiKey: 'k', region: 'us-sout' }, {})).to.deep.equal({
      inputs: { apiKey: new Secret('k') },
      failures: [{ property: 'region', reason: `region must be one of IBM Cloud's VPC regions: ${REGIONS}; received "us-sout"` }],
    });
    expect(checkConfig({ apiKey: 'k' }, { IC_REGION: 'mars-1' }).failures).to.deep.equal([
      { property: 'region', reason: `region must be one of IBM Cloud's VPC regions: ${REGIONS}; received "mars-1" (from the environment variable IC_REGION)` },
    ]);
    expect(VPC_REGIONS.join(', ')).to.equal(REGIONS);
  });

  it('selects the private endpoints when private is true, whatever form it arrives in', () => {
    for (const flag of [true, 'true', 'TRUE', '"true"', new Secret('true')] as PValue[]) {
      const { inputs, failures } = checkConfig({ apiKey: 'k', region: 'eu-gb', private: flag }, {});
      expect(failures).to.deep.equal([]);
      expect(unwrap(inputs.private)).to.equal(true);
      expect(resolveConfig(inputs)).to.deep.include({
        vpcEndpoint: 'https://eu-gb.private.iaas.cloud.ibm.com',
        iamEndpoint: 'https://private.iam.cloud.ibm.com',
        taggingEndpoint: 'https://tags.private.global-search-tagging.cloud.ibm.com',
        resourceManagerEndpoint: 'https://private.resource-controller.cloud.ibm.com',
      });
    }
    expect(checkConfig({ apiKey: 'k', private: 'false' }, {}).inputs.private).to.equal(false);
    expect(checkConfig({ apiKey: 'k', private: 'yes' }, {}).failures).to.deep.equal([{ property: 'private', reason: 'private must be a boolean (true or false); received "yes"' }]);
  });

  it('lets an explicit endpoint win over private defaults, and normalizes trailing slash and /v1', () => {
    const { inputs } = checkConfig({ apiKey: 'k', private: true, vpcEndpoint: 'https://vpc.example.com/base/v1/', iamEndpoint: '"https://iam.example.com/"' }, {});
    expect(inputs).to.deep.equal({ apiKey: new Secret('k'), private: true, vpcEndpoint: 'https://vpc.example.com/base', iamEndpoint: 'https://iam.example.com' });
    expect(resolveConfig(inputs)).to.deep.include({ vpcEndpoint: 'https://vpc.example.com/base', iamEndpoint: 'https://iam.example.com', taggingEndpoint: 'https://tags.private.global-search-tagging.cloud.ibm.com' });
  });

  it('refuses endpoints that are not http(s) URLs, saying what was received', () => {
    expect(checkConfig({ apiKey: 'k', vpcEndpoint: 'us-south.iaas.cloud.ibm.com', iamEndpoint: 'ftp://iam', taggingEndpoint: 'https://user:pw@tags.example.com' }, {}).failures).to.deep.equal([
      {
        property: 'vpcEndpoint',
        reason:
          'vpcEndpoint must be an http or https URL without credentials, query or fragment, such as https://us-south.iaas.cloud.ibm.com; received "us-south.iaas.cloud.ibm.com" (add the scheme: https://us-south.iaas.cloud.ibm.com)',
      },
      { property: 'iamEndpoint', reason: 'iamEndpoint must be an http or https URL without credentials, query or fragment, such as https://iam.cloud.ibm.com; received "ftp://iam"' },
      {
        property: 'taggingEndpoint',
        reason: 'taggingEndpoint must be an http or https URL without credentials, query or fragment, such as https://tags.global-search-tagging.cloud.ibm.com; received a URL with credentials in it (not shown)',
      },
    ]);
  });

  it('coerces JSON text, keeps strings of digits as strings, and refuses wrong types', () => {
    expect(checkConfig({ apiKey: '"quoted-key"', region: '"eu-es"' }, {}).inputs).to.deep.include({ apiKey: new Secret('quoted-key'), region: 'eu-es' });
    expect(checkConfig({ apiKey: '12345' }, {}).inputs.apiKey).to.deep.equal(new Secret('12345'));
    expect(checkConfig({ apiKey: 42, region: ['us-south'] }, {}).failures).to.deep.equal([
      { property: 'region', reason: 'region must be a string; received a list' },
      { property: 'apiKey', reason: 'apiKey must be a string; received (secret)' },
    ]);
  });

  it('keeps a secret-wrapped value secret, and never echoes it', () => {
    const { inputs, failures } = checkConfig({ apiKey: new Secret('k'), region: new Secret('eu-de'), vpcEndpoint: new Secret('not a url') }, {});
    expect(inputs).to.deep.include({ apiKey: new Secret('k'), region: new Secret('eu-de') });
    expect(failures).to.deep.equal([
      { property: 'vpcEndpoint', reason: 'vpcEndpoint must be an http or https URL without credentials, query or fragment, such as https://us-south.iaas.cloud.ibm.com; received (secret)' },
    ]);
    // A secret region stays secret, and the endpoint derived from it is not written out at all.
    expect(checkConfig({ apiKey: 'k', region: new Secret('eu-de') }, {}).inputs).to.deep.equal({ apiKey: new Secret('k'), region: new Secret('eu-de') });
  });

  it('accepts bare and namespaced keys and passes the engine\'s own keys through', () => {
    const { inputs, failures } = checkConfig({ 'ibmflowlogs:region': 'in-che', 'ibmflowlogs:config:apiKey': 'k', version: '0.1.0', pluginDownloadURL: 'https://example.com' }, {});
    expect(failures).to.deep.equal([]);
    expect(inputs).to.deep.equal({ version: '0.1.0', pluginDownloadURL: 'https://example.com', region: 'in-che', apiKey: new Secret('k') });
  });

  it('names an unknown key and lists the allowed ones, suggesting the closest', () => {
    expect(checkConfig({ apiKey: 'k', 'ibmflowlogs:regoin': 'us-south', apikey: 'x', endpoint: 'x', 'aws:region': 'us-east-1' }, {}).failures).to.deep.equal([
      { property: 'ibmflowlogs:regoin', reason: `unknown configuration key "ibmflowlogs:regoin" (did you mean ibmflowlogs:region?); allowed keys: ${ALLOWED_KEYS}` },
      { property: 'apikey', reason: `unknown configuration key "apikey" (did you mean ibmflowlogs:apiKey?); allowed keys: ${ALLOWED_KEYS}` },
      // Three keys are as close to "endpoint": no guess.
      { property: 'endpoint', reason: `unknown configuration key "endpoint"; allowed keys: ${ALLOWED_KEYS}` },
      { property: 'aws:region', reason: `unknown configuration key "aws:region"; allowed keys: ${ALLOWED_KEYS}` },
    ]);
  });

  it('collects every failure at once', () => {
    const { failures } = checkConfig({ region: 'xx', private: 'maybe', vpcEndpoint: 'nope', bogus: 1 }, {});
    expect(failures.map((f) => f.property)).to.deep.equal(['bogus', 'region', 'private', 'apiKey', 'vpcEndpoint']);
  });

  it('keeps unknowns unknown during preview, and defaults derived from them too', () => {
    const { inputs, failures } = checkConfig({ region: UNKNOWN, apiKey: new Secret(UNKNOWN) }, {});
    expect(failures).to.deep.equal([]);
    expect(inputs).to.deep.equal({ region: UNKNOWN, apiKey: new Secret(UNKNOWN) });
    // Configure cannot run on them yet, and says which.
    expect(() => resolveConfig(inputs)).to.throw(ConfigError, /region is not known yet[\s\S]*apiKey is not known yet[\s\S]*vpcEndpoint is not known yet/);
  });

  it('reads COS access only with cosEndpoint, with AWS_* fallbacks, all or nothing', () => {
    const awsEnv = { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'aws-secret' };
    // Without cosEndpoint, AWS_* variables are someone's AWS credentials: neither read nor stored.
    expect(checkConfig({ apiKey: 'k' }, awsEnv)).to.deep.equal({ inputs: { apiKey: new Secret('k') }, failures: [] });
    expect(resolveConfig({ apiKey: 'k' }, awsEnv).cos).to.equal(undefined);
    expect(checkConfig({ apiKey: 'k', cosEndpoint: 'http://127.0.0.1:4568/' }, awsEnv)).to.deep.equal({ inputs: { apiKey: new Secret('k'), cosEndpoint: 'http://127.0.0.1:4568' }, failures: [] });
    expect(resolveConfig({ apiKey: 'k', cosEndpoint: 'http://127.0.0.1:4568/' }, awsEnv).cos).to.deep.equal({ endpoint: 'http://127.0.0.1:4568', accessKeyId: 'AKID', secretAccessKey: 'aws-secret' });
    // The API key alone reaches COS (IAM tokens): no HMAC keys needed, but they come in pairs.
    expect(checkConfig({ apiKey: 'k', cosEndpoint: 'http://127.0.0.1:4568' }, {}).failures).to.deep.equal([]);
    expect(resolveConfig({ apiKey: 'k', cosEndpoint: 'http://127.0.0.1:4568' }, {}).cos).to.deep.equal({ endpoint: 'http://127.0.0.1:4568' });
    expect(checkConfig({ apiKey: 'k', cosEndpoint: 'http://127.0.0.1:4568' }, { AWS_ACCESS_KEY_ID: 'AKID' }).failures).to.deep.equal([
      {
        property: 'cosSecretAccessKey',
        reason: 'cosSecretAccessKey is required when cosAccessKeyId is set (COS HMAC keys come in pairs; give both, or neither to reach COS with the API key); set it with `pulumi config set --secret ibmflowlogs:cosSecretAccessKey <value>` or the environment variable AWS_SECRET_ACCESS_KEY',
      },
    ]);
    const guid = '2f0a5f2c-5b5e-4b39-9a4d-0b1f3c0e7d11';
    expect(resolveConfig({ apiKey: 'k', cosEndpoint: 'http://127.0.0.1:4568', cosInstance: guid }, {}).cos).to.deep.equal({ endpoint: 'http://127.0.0.1:4568', instance: guid });
    expect(checkConfig({ apiKey: 'k', cosEndpoint: 'http://127.0.0.1:4568', cosInstance: 'my-cos' }, {}).failures).to.deep.equal([
      { property: 'cosInstance', reason: 'cosInstance must be a COS instance GUID or a cloud-object-storage CRN; received "my-cos"' },
    ]);
    expect(checkConfig({ apiKey: 'k', cosSecretAccessKey: 's' }, {}).failures).to.deep.equal([
      { property: 'cosSecretAccessKey', reason: 'cosSecretAccessKey is set but cosEndpoint is not; set it with `pulumi config set ibmflowlogs:cosEndpoint <value>`, or remove ibmflowlogs:cosSecretAccessKey' },
    ]);
  });

  it('reads the wire form straight from a Struct (secret wrappers, output values, typed sentinels)', () => {
    const wire = { apiKey: { [SIG_KEY]: SECRET_SIG, value: 'k' }, region: { [SIG_KEY]: OUTPUT_VALUE_SIG, value: 'au-syd' }, private: UNKNOWN_SENTINELS.bool };
    const { inputs, failures } = checkConfig(decodeObject(wire), {});
    expect(failures).to.deep.equal([]);
    expect(inputs).to.deep.equal({ apiKey: new Secret('k'), region: 'au-syd', private: UNKNOWN });
  });
});

describe('config: resolveConfig (table)', () => {
  it('gives the typed, unwrapped configuration for Configure from secret-wrapped args', () => {
    const args = encodeObject({ apiKey: new Secret('k'), vpcEndpoint: 'http://127.0.0.1:9000/v1', iamEndpoint: 'http://127.0.0.1:9000', cosEndpoint: 'http://127.0.0.1:9001', cosAccessKeyId: 'id', cosSecretAccessKey: new Secret('s') });
    const expected: ProviderConfig = {
      region: 'us-south',
      apiKey: 'k',
      vpcEndpoint: 'http://127.0.0.1:9000',
      iamEndpoint: 'http://127.0.0.1:9000',
      taggingEndpoint: PUBLIC_DEFAULTS.taggingEndpoint,
      resourceManagerEndpoint: PUBLIC_DEFAULTS.resourceManagerEndpoint,
      private: false,
      cos: { endpoint: 'http://127.0.0.1:9001', accessKeyId: 'id', secretAccessKey: 's' },
    };
    expect(resolveConfig(decodeObject(args))).to.deep.equal(expected);
    expect(resolveConfig(checkConfig(decodeObject(args), {}).inputs)).to.deep.equal(expected);
  });

  it('applies the environment it is given, for a Configure without CheckConfig', () => {
    expect(resolveConfig({}, { IC_API_KEY: 'k', IBMCLOUD_REGION: 'br-sao' })).to.deep.equal({
      region: 'br-sao',
      apiKey: 'k',
      vpcEndpoint: 'https://br-sao.iaas.cloud.ibm.com',
      iamEndpoint: PUBLIC_DEFAULTS.iamEndpoint,
      taggingEndpoint: PUBLIC_DEFAULTS.taggingEndpoint,
      resourceManagerEndpoint: PUBLIC_DEFAULTS.resourceManagerEndpoint,
      private: false,
    });
  });

  it('throws a ConfigError with every failure and the missing keys', () => {
    let error: unknown;
    try {
      resolveConfig({ region: 'nowhere' }, {});
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.failures.map((f) => f.property)).to.deep.equal(['region', 'apiKey']);
    expect(configError.missingKeys).to.deep.equal([{ name: 'apiKey', description: `an IBM Cloud API key; ${MISSING_API_KEY.replace('no IBM Cloud API key: ', '')}` }]);
    expect(configError.message).to.equal(
      `invalid ibmflowlogs provider configuration:\n  - region: region must be one of IBM Cloud's VPC regions: ${REGIONS}; received "nowhere"\n  - apiKey: ${MISSING_API_KEY}`,
    );
  });

  it('refuses to resolve values that are not known yet', () => {
    expect(() => resolveConfig({ apiKey: 'k', region: UNKNOWN })).to.throw(ConfigError, /region is not known yet/);
  });
});

describe('config: diffConfig (table)', () => {
  const base = checkConfig({ apiKey: 'k' }, {}).inputs;
  const cases: Array<[string, PObject, { replaces: string[]; changes: string[] }]> = [
    ['nothing changed', { apiKey: 'k' }, { replaces: [], changes: [] }],
    ['secretness alone is no change', { apiKey: new Secret('k'), region: new Secret('us-south') }, { replaces: [], changes: [] }],
    ['an API key rotation updates in place', { apiKey: 'k2' }, { replaces: [], changes: ['apiKey'] }],
    ['a region change replaces (and moves the default VPC endpoint, which alone would not)', { apiKey: 'k', region: 'eu-de' }, { replaces: ['region'], changes: ['region', 'vpcEndpoint'] }],
    ['a VPC endpoint change updates in place (another route to the same region)', { apiKey: 'k', vpcEndpoint: 'http://127.0.0.1:1' }, { replaces: [], changes: ['vpcEndpoint'] }],
    ['an IAM endpoint change updates in place', { apiKey: 'k', iamEndpoint: 'http://127.0.0.1:1' }, { replaces: [], changes: ['iamEndpoint'] }],
    ['a tagging endpoint change updates in place', { apiKey: 'k', taggingEndpoint: 'http://127.0.0.1:1' }, { replaces: [], changes: ['taggingEndpoint'] }],
    [
      'private updates in place, with every endpoint it moves',
      { apiKey: 'k', private: true },
      { replaces: [], changes: ['vpcEndpoint', 'iamEndpoint', 'taggingEndpoint', 'resourceManagerEndpoint', 'private'] },
    ],
    [
      'COS access added or rotated updates in place',
      { apiKey: 'k', cosEndpoint: 'http://c', cosAccessKeyId: 'a', cosSecretAccessKey: new Secret('s') },
      { replaces: [], changes: ['cosEndpoint', 'cosAccessKeyId', 'cosSecretAccessKey'] },
    ],
    ['an unknown region may change: replaces', { apiKey: 'k', region: UNKNOWN }, { replaces: ['region'], changes: ['region', 'vpcEndpoint'] }],
  ];
  for (const [name, news, expected] of cases) {
    it(name, () => expect(diffConfig(base, checkConfig(news, {}).inputs)).to.deep.equal(expected));
  }

  it('compares by effective values: an old state with every default spelled out is no change', () => {
    expect(diffConfig({ ...PUBLIC_DEFAULTS, apiKey: new Secret('k') }, base)).to.deep.equal({ replaces: [], changes: [] });
  });

  it('evaluates both sides in this machine\'s environment: a value moved between config and environment is no change', () => {
    const env = { IBMCLOUD_REGION: 'eu-de', IBMCLOUD_IS_NG_API_ENDPOINT: 'http://127.0.0.1:9000/v1/' };
    expect(diffConfig({ apiKey: 'k', region: 'eu-de', vpcEndpoint: 'http://127.0.0.1:9000' }, { apiKey: 'k' }, env)).to.deep.equal({ replaces: [], changes: [] });
    // ... and one that the environment does not agree with is a change.
    expect(diffConfig({ apiKey: 'k', region: 'us-south' }, { apiKey: 'k' }, env)).to.deep.equal({ replaces: ['region'], changes: ['region'] });
  });
});

describe('config: properties (fast-check)', () => {
  const MARK = 'S3CRET';
  /** Secret values carry a marker no other generated text contains, so a leak is unmistakable. */
  const secretText = fc.string({ minLength: 1, maxLength: 12 }).map((s) => `${MARK}${s}`);
  const plainText = fc.string({ maxLength: 20 }).filter((s) => !s.includes(MARK));
  const anyValue: fc.Arbitrary<PValue> = fc.oneof(
    plainText,
    fc.constantFrom(...VPC_REGIONS, 'true', 'false', '"eu-de"', 'http://127.0.0.1:1/v1', 'https://x.example.com/'),
    fc.boolean(),
    fc.double(),
    fc.constant(null),
    fc.constant(UNKNOWN),
    fc.array(plainText, { maxLength: 2 }),
    fc.dictionary(plainText, plainText, { maxKeys: 2 }),
  );
  const keyName = fc.oneof(
    fc.constantFrom(...CONFIG_KEYS),
    fc.constantFrom(...CONFIG_KEYS).map((k) => `ibmflowlogs:${k}`),
    fc.constantFrom(...CONFIG_KEYS).map((k) => `ibmflowlogs:config:${k}`),
    fc.constantFrom('version', 'pluginDownloadURL', '__proto__', 'constructor'),
    plainText,
  );
  /** Config objects where secrets sit at secret keys (plain or wrapped) or wrapped at any key. */
  const news = fc
    .tuple(
      fc.dictionary(keyName, anyValue, { maxKeys: 6 }),
      fc.dictionary(fc.constantFrom('apiKey', 'cosSecretAccessKey', 'ibmflowlogs:apiKey'), fc.oneof(secretText, secretText.map((s) => new Secret(s)), fc.constant(42)), { maxKeys: 2 }),
      fc.dictionary(keyName, secretText.map((s) => new Secret(s) as PValue), { maxKeys: 2 }),
    )
    .map(([plain, secretKeys, wrapped]) => ({ ...plain, ...secretKeys, ...wrapped }) as PObject);
  /** Valid configuration in every form a value may arrive in: plain, JSON text, secret-wrapped, under any key form. */
  const form = (s: string) => fc.constantFrom<PValue>(s, JSON.stringify(s), new Secret(s));
  const entry = (k: string, value: fc.Arbitrary<PValue>) => fc.tuple(fc.constantFrom(k, `ibmflowlogs:${k}`, `ibmflowlogs:config:${k}`), value);
  const url = fc.constantFrom('http://127.0.0.1:8080/v1/', 'https://x.example.com', 'http://[::1]:9/base/');
  const validNews = fc
    .tuple(
      entry('apiKey', fc.oneof(secretText.chain(form), fc.constant(new Secret(UNKNOWN)))),
      fc.option(entry('region', fc.oneof(fc.constantFrom(...VPC_REGIONS).chain(form), fc.constant(UNKNOWN)))),
      fc.option(entry('private', fc.constantFrom<PValue>(true, false, 'true', 'FALSE', '"true"', new Secret('false'), UNKNOWN))),
      fc.option(entry('vpcEndpoint', url.chain(form))),
      fc.option(entry('iamEndpoint', url.chain(form))),
      fc.option(entry('taggingEndpoint', url.chain(form))),
      fc.option(
        fc.tuple(entry('cosEndpoint', url.chain(form)), entry('cosAccessKeyId', fc.stringMatching(/^[A-Za-z0-9]{1,20}$/).chain(form)), entry('cosSecretAccessKey', secretText.chain(form))),
      ),
    )
    .map(([apiKey, region, priv, vpc, iam, tagging, cos]) => {
      const entries = [apiKey, region, priv, vpc, iam, tagging, ...(cos ?? [])].filter((x): x is [string, PValue] => x !== null);
      return Object.fromEntries(entries) as PObject;
    });
  const envName = fc.constantFrom('IBMCLOUD_REGION', 'IC_REGION', 'IBMCLOUD_IS_NG_API_ENDPOINT', 'IBMCLOUD_IAM_API_ENDPOINT', 'IBMCLOUD_GT_API_ENDPOINT', 'HOME');
  const env = fc
    .tuple(
      fc.dictionary(envName, fc.oneof(plainText, fc.constantFrom(...VPC_REGIONS)), { maxKeys: 4 }),
      fc.dictionary(fc.constantFrom('IBMCLOUD_API_KEY', 'IC_API_KEY', 'AWS_SECRET_ACCESS_KEY'), secretText, { maxKeys: 3 }),
    )
    .map(([a, b]) => ({ ...a, ...b }));

  /** An environment in which every value is valid, for properties about valid configuration. */
  const validEnv = fc
    .tuple(
      fc.dictionary(fc.constantFrom('IBMCLOUD_REGION', 'IC_REGION'), fc.constantFrom(...VPC_REGIONS), { maxKeys: 2 }),
      fc.dictionary(fc.constantFrom('IBMCLOUD_IS_NG_API_ENDPOINT', 'IBMCLOUD_IAM_API_ENDPOINT', 'IBMCLOUD_GT_API_ENDPOINT'), url, { maxKeys: 3 }),
      fc.dictionary(fc.constantFrom('IBMCLOUD_API_KEY', 'IC_API_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'), secretText, { maxKeys: 4 }),
    )
    .map(([a, b, c]) => ({ ...a, ...b, ...c }));

  it('never throws on arbitrary config, and never puts a secret into a failure reason', () => {
    fc.assert(
      fc.property(news, env, (n, e) => {
        const { failures } = checkConfig(n, e);
        const text = JSON.stringify(failures);
        expect(text).to.not.include(MARK);
        try {
          resolveConfig(n, e);
        } catch (error) {
          expect(error).to.be.instanceOf(ConfigError);
          expect((error as Error).message).to.not.include(MARK);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on any decoded JSON object with any environment', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), fc.dictionary(fc.string(), fc.string()), (wire, e) => {
        const n = decodeObject(wire);
        checkConfig(n, e);
        diffConfig(n, {});
        diffConfig({}, n);
        try {
          resolveConfig(n, e);
        } catch (error) {
          expect(error).to.be.instanceOf(ConfigError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('keeps every secret wrapped in the inputs it returns', () => {
    fc.assert(
      fc.property(news, env, (n, e) => {
        const { inputs } = checkConfig(n, e);
        for (const [k, v] of Object.entries(inputs)) {
          const bare = typeof v === 'string' && v.includes(MARK);
          expect(bare, `input ${k} holds a secret in the clear`).to.equal(false);
          if (isSecretKey(k)) expect(v).to.be.instanceOf(Secret);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('is idempotent: checking checked inputs again in the same environment changes nothing', () => {
    fc.assert(
      fc.property(validNews, validEnv, (n, e) => {
        const first = checkConfig(n, e);
        expect(first.failures).to.deep.equal([]);
        const second = checkConfig(first.inputs, e);
        expect(second).to.deep.equal(first);
        // Only what may still change (unknowns, and what derives from them) differs from itself.
        const unknownKeys = CONFIG_KEYS.filter((k) => containsUnknown(first.inputs[k]));
        const changes = diffConfig(first.inputs, second.inputs, e).changes;
        if (unknownKeys.length === 0) expect(changes).to.deep.equal([]);
        else expect(changes).to.include.members(unknownKeys);
      }),
      { numRuns: 500 },
    );
  });

  it('writes nothing of the environment into the inputs: any environment gives the inputs no environment gives', () => {
    fc.assert(
      fc.property(news, env, (n, e) => {
        expect(checkConfig(n, e).inputs).to.deep.equal(checkConfig(n, {}).inputs);
      }),
      { numRuns: 1000 },
    );
  });

  it('resolves exactly when checking finds no failure and nothing is unknown', () => {
    fc.assert(
      fc.property(news, env, (n, e) => {
        const { inputs, failures } = checkConfig(n, e);
        const anyUnknown = CONFIG_KEYS.some((k) => containsUnknown(inputs[k]));
        let resolved = true;
        try {
          resolveConfig(n, e);
        } catch {
          resolved = false;
        }
        expect(resolved).to.equal(failures.length === 0 && !anyUnknown);
      }),
      { numRuns: 1000 },
    );
  });
});
