import { provider, struct, empty } from '../../../provider/src/rpc/stubs';

export { PLUGIN, PluginProcess, type RpcError } from '../../../provider/src/runner/pluginProcess';

export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
export const SIG = '4dabf18193072939515e22adb298388d';
export const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';
export const secret = (value: unknown) => ({ [SIG]: SECRET_SIG, value });
export const URN = (name: string) => `urn:pulumi:dev::flowlogs::ibmflowlogs:index:FlowLogCollector::${name}`;
export const TYPE = 'ibmflowlogs:index:FlowLogCollector';

export const toStruct = (value: object) => struct.Struct.fromJavaScript(value as Record<string, any>);

/** CheckRequest.autonaming, as the engine sends it for `pulumi:autonaming` (pkg/resource/autonaming/strategy.go). */
export interface Autonaming {
  proposedName?: string;
  mode: 'propose' | 'enforce' | 'disable';
}
const MODE = {
  propose: provider.CheckRequest.AutonamingOptions.Mode.PROPOSE,
  enforce: provider.CheckRequest.AutonamingOptions.Mode.ENFORCE,
  disable: provider.CheckRequest.AutonamingOptions.Mode.DISABLE,
};

/** The fields the engine sets on every resource request. */
function forResource<R extends { setUrn(v: string): R; setName(v: string): R; setType(v: string): R }>(r: R, name: string): R {
  return r.setUrn(URN(name)).setName(name).setType(TYPE);
}

/** Request builders with the fields the engine sets. */
export const requests = {
  configure(args: object) {
    const r = new provider.ConfigureRequest();
    r.setArgs(toStruct(args));
    r.setAcceptsecrets(true);
    r.setAcceptresources(true);
    return r;
  },
  checkConfig(news: object, olds: object = {}) {
    const r = new provider.CheckRequest();
    r.setUrn('urn:pulumi:dev::flowlogs::pulumi:providers:ibmflowlogs::default');
    r.setOlds(toStruct(olds));
    r.setNews(toStruct(news));
    return r;
  },
  diffConfig(olds: object, news: object) {
    const r = new provider.DiffRequest();
    r.setUrn('urn:pulumi:dev::flowlogs::pulumi:providers:ibmflowlogs::default');
    r.setOlds(toStruct(olds));
    r.setOldInputs(toStruct(olds));
    r.setNews(toStruct(news));
    return r;
  },
  check(name: string, news: object, olds: object = {}, seed = 'c2VlZC1mb3ItdGVzdHM=', autonaming?: Autonaming) {
    const r = forResource(new provider.CheckRequest(), name);
    r.setOlds(toStruct(olds));
    r.setNews(toStruct(news));
    r.setRandomseed(seed);
    if (autonaming) r.setAutonaming(new provider.CheckRequest.AutonamingOptions().setProposedName(autonaming.proposedName ?? '').setMode(MODE[autonaming.mode]));
    return r;
  },
  diff(name: string, id: string, olds: object, news: object, oldInputs: object = olds, ignoreChanges: string[] = []) {
    const r = forResource(new provider.DiffRequest(), name);
    r.setId(id);
    r.setOlds(toStruct(olds));
    r.setNews(toStruct(news));
    r.setOldInputs(toStruct(oldInputs));
    r.setIgnorechangesList(ignoreChanges);
    return r;
  },
  create(name: string, properties: object, options: { preview?: boolean; timeout?: number } = {}) {
    const r = forResource(new provider.CreateRequest(), name);
    r.setProperties(toStruct(properties));
    r.setPreview(options.preview ?? false);
    r.setTimeout(options.timeout ?? 0);
    return r;
  },
  read(name: string, id: string, properties: object = {}, inputs: object = {}) {
    const r = forResource(new provider.ReadRequest(), name);
    r.setId(id);
    r.setProperties(toStruct(properties));
    r.setInputs(toStruct(inputs));
    return r;
  },
  update(name: string, id: string, olds: object, news: object, options: { preview?: boolean; timeout?: number } = {}) {
    const r = forResource(new provider.UpdateRequest(), name);
    r.setId(id);
    r.setOlds(toStruct(olds));
    r.setNews(toStruct(news));
    r.setOldInputs(toStruct(olds));
    r.setPreview(options.preview ?? false);
    r.setTimeout(options.timeout ?? 0);
    return r;
  },
  delete(name: string, id: string, properties: object, timeout = 0) {
    const r = forResource(new provider.DeleteRequest(), name);
    r.setId(id);
    r.setProperties(toStruct(properties));
    r.setTimeout(timeout);
    return r;
  },
  invoke(tok: string, args: object) {
    const r = new provider.InvokeRequest();
    r.setTok(tok);
    r.setArgs(toStruct(args));
    return r;
  },
  empty() {
    return new empty.Empty();
  },
};
