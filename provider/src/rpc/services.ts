import type { IamTokenSource, TaggingClient, TargetIndex, TopologyReader, VpcClient } from '../ibm';
import { decodeObject, encodeObject, type WireObject } from './codec';
import { checkConfig, diffConfig, type Env, type ProviderConfig, resolveConfig } from './config';

/** The IBM clients of one configured provider: one IAM token cache, one topology cache for the whole deployment. */
export interface Services {
  config: ProviderConfig;
  iam: IamTokenSource;
  vpc: VpcClient;
  tags: TaggingClient;
  topology: TopologyReader;
  targets: TargetIndex;
}

export function checkProviderConfig(wire: object, env: Env): { inputs: WireObject; failures: Array<{ property: string; reason: string }> } {
  const checked = checkConfig(decodeObject(wire), env);
  return { inputs: encodeObject(checked.inputs), failures: checked.failures };
}

export function diffProviderConfig(olds: object, news: object): { replaces: string[]; changes: string[] } {
  return diffConfig(decodeObject(olds), decodeObject(news));
}

/** Builds the clients; the IBM SDK and axios load here, not at plugin start-up, which stays fast. */
export async function configureServices(wire: object, env: Env): Promise<Services> {
  const config = resolveConfig(decodeObject(wire), env);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ibm: typeof import('../ibm') = require('../ibm');
  const iam = new ibm.IamTokenSource({ apiKey: config.apiKey, iamEndpoint: config.iamEndpoint });
  const vpc = new ibm.VpcClient(config, { authenticator: iam });
  const topology = new ibm.TopologyReader(vpc);
  return { config, iam, vpc, tags: new ibm.TaggingClient(config, { authenticator: iam }), topology, targets: new ibm.TargetIndex(vpc, topology) };
}
