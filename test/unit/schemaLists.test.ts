import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CONFIG_KEYS, KEY_SPECS } from '../../provider/src/config';
import { FUNCTION_TOKENS, functionType } from '../../provider/src/functions/table';
import { check } from '../../provider/src/resources/flowLogCollector/check';
import { outputsOf } from '../../provider/src/resources/flowLogCollector/outputs';
import { INPUT_KEYS, OUTPUT_KEYS, REPLACE_KEYS, REQUIRED_KEYS, SECRET_DERIVATIONS, TOKEN, UPDATE_KEYS } from '../../provider/src/resources/flowLogCollector/properties';
import { bag } from '../../provider/src/resources/properties';
import { RESOURCE_TOKENS, resourceType } from '../../provider/src/resources/table';
import { ProcessContext } from '../../provider/src/rpc/context';
import { EngineLog } from '../../provider/src/rpc/engineLog';

/**
 * schema.json is the one source of truth for tokens, inputs, outputs and config (README.md, "Layout"). The provider's
 * own lists of them (which keys replace, which are required, which outputs derive from which input, the config keys and
 * their environment variables) are checked against it here, so that an edit of one without the other fails.
 */
const schema = JSON.parse(readFileSync(resolve(__dirname, '../../../schema.json'), 'utf8'));

describe('schema.json and the provider\'s lists agree', () => {
  const collector = schema.resources[TOKEN];

  it('the resource and function tables serve exactly the schema\'s tokens', () => {
    expect([...RESOURCE_TOKENS].sort()).to.deep.equal(Object.keys(schema.resources).sort());
    for (const token of RESOURCE_TOKENS) expect(resourceType(token).token).to.equal(token);
    expect([...FUNCTION_TOKENS].sort()).to.deep.equal(Object.keys(schema.functions).sort());
    for (const token of FUNCTION_TOKENS) {
      const fn = functionType(token)!;
      expect(fn.token).to.equal(token);
      expect([...fn.args], token).to.deep.equal(Object.keys(schema.functions[token].inputs.properties));
    }
  });

  it('FlowLogCollector: inputs, required inputs, replacing and in-place keys', () => {
    const inputs = collector.inputProperties as Record<string, { replaceOnChanges?: boolean; willReplaceOnChanges?: boolean }>;
    expect([...INPUT_KEYS]).to.deep.equal(Object.keys(inputs));
    expect([...REQUIRED_KEYS]).to.deep.equal(collector.requiredInputs);
    expect([...REPLACE_KEYS]).to.deep.equal(Object.keys(inputs).filter((k) => inputs[k].replaceOnChanges));
    expect([...REPLACE_KEYS]).to.deep.equal(Object.keys(inputs).filter((k) => inputs[k].willReplaceOnChanges));
    expect([...UPDATE_KEYS]).to.deep.equal(Object.keys(inputs).filter((k) => !inputs[k].replaceOnChanges));
  });

  it('FlowLogCollector: every output, always set, in the schema\'s order; secret derivations name only outputs', () => {
    expect([...OUTPUT_KEYS]).to.deep.equal(Object.keys(collector.properties));
    expect([...OUTPUT_KEYS]).to.deep.equal(collector.required);
    const sample = outputsOf(
      {
        id: 'r006-1',
        crn: 'crn:v1:bluemix:public:is:us-south:a/1::flow-log-collector:r006-1',
        href: 'https://x/v1/flow_log_collectors/r006-1',
        name: 'web',
        active: true,
        autoDelete: true,
        createdAt: '2026-01-01T00:00:00Z',
        lifecycleState: 'stable',
        resourceGroup: { id: 'g', name: 'default' },
        storageBucket: 'bucket-c',
        target: { id: 'r006-v', href: 'https://x/v1/vpcs/r006-v', name: 'vpc-1', type: 'vpc' },
        vpc: { id: 'r006-v', crn: 'crn:v', name: 'vpc-1' },
      },
      { tags: [] },
    );
    expect(Object.keys(sample)).to.deep.equal([...OUTPUT_KEYS]);
    expect(Object.keys(SECRET_DERIVATIONS)).to.deep.equal([...INPUT_KEYS]);
    for (const [input, outputs] of Object.entries(SECRET_DERIVATIONS)) {
      expect(outputs, input).to.include(input);
      for (const output of outputs) expect(OUTPUT_KEYS as readonly string[], `${input} → ${output}`).to.include(output);
    }
  });

  it('FlowLogCollector: the schema\'s defaults are the ones Check applies', async () => {
    const inputs = collector.inputProperties as Record<string, { default?: unknown }>;
    const call = { urn: `urn:pulumi:dev::p::${TOKEN}::web`, name: 'web', context: new ProcessContext(new EngineLog()) };
    const { inputs: checked } = await check({ olds: bag({}), news: bag({ target: 'r006-v', storageBucket: 'bucket-c' }), randomSeed: new Uint8Array(32) }, call);
    for (const [key, spec] of Object.entries(inputs)) if ('default' in spec) expect(checked.values[key], key).to.deep.equal(spec.default);
    expect(Object.entries(inputs).filter(([, spec]) => 'default' in spec).map(([k]) => k)).to.deep.equal(['active']);
  });

  it('config: the keys, their types, secretness and environment variables, in config.variables and provider.inputProperties', () => {
    for (const section of [schema.config.variables, schema.provider.inputProperties]) {
      expect(Object.keys(section)).to.deep.equal(CONFIG_KEYS);
      for (const key of CONFIG_KEYS) {
        const spec = KEY_SPECS[key];
        expect([section[key].type, section[key].secret === true, section[key].defaultInfo?.environment ?? []], key).to.deep.equal([spec.type, spec.secret, [...spec.env]]);
      }
    }
  });
});
