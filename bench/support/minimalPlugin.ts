/**
 * The baseline for the start-up benchmark: the smallest plugin Pulumi's own Node SDK can make, `pulumi.provider.main`
 * with one no-op resource. It prints its port the same way the real plugin does.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pulumi = require('@pulumi/pulumi');

pulumi.provider.main(
  {
    version: '0.0.1',
    create: async (_urn: string, inputs: Record<string, unknown>) => ({ id: 'x', outs: inputs }),
  },
  process.argv.slice(2),
);
