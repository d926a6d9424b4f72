import type { sendUnaryData, ServerUnaryCall, UntypedServiceImplementation } from '@grpc/grpc-js';
import { checkConfig, diffConfig } from '../config';
import { FUNCTION_TOKENS, functionType } from '../functions/table';
import type { PropertyBag } from '../resources/properties';
import { isEmpty } from '../resources/properties';
import { resourceType } from '../resources/table';
import type { Autonaming, DiffKind, DiffResult, ResourceCall, ResourceType } from '../resources/types';
import { type Failure, InputError } from '../shared/failures';
import { applyIgnoreChanges, keyPath, parsePropertyPath } from '../shared/propertyPath';
import { encodeObject, fromStruct, type PObject, type WireObject } from './codec';
import { ProcessContext } from './context';
import type { EngineLog } from './engineLog';
import { toGrpcError } from './errors';
import { bagOf, encodeBag, encodeOutputs, type OutputEncoding } from './properties';
import { empty, plugin, provider, struct } from './stubs';
import { packageVersion, schemaText } from '../package/info';

type Call<Req> = ServerUnaryCall<Req, unknown>;
type Done = sendUnaryData<unknown>;
type Encoder = (outputs: Record<string, unknown>) => WireObject;

const KIND = provider.PropertyDiff.Kind;
const DIFF_KINDS: Record<DiffKind, number> = {
  add: KIND.ADD,
  'add-replace': KIND.ADD_REPLACE,
  delete: KIND.DELETE,
  'delete-replace': KIND.DELETE_REPLACE,
  update: KIND.UPDATE,
  'update-replace': KIND.UPDATE_REPLACE,
};

const MODES: Record<number, Autonaming['mode']> = {
  [provider.CheckRequest.AutonamingOptions.Mode.PROPOSE]: 'propose',
  [provider.CheckRequest.AutonamingOptions.Mode.ENFORCE]: 'enforce',
  [provider.CheckRequest.AutonamingOptions.Mode.DISABLE]: 'disable',
};

const toStruct = (value: WireObject) => struct.Struct.fromJavaScript(value);

function failures(list: Failure[]) {
  return list.map((f) => new provider.CheckFailure().setProperty(f.property).setReason(f.reason));
}

/**
 * A DiffResponse with a detailed diff; `diffs` lists the top-level keys of the detailed paths (pulumi/pulumi
 * proto/pulumi/provider.proto, DiffResponse).
 */
function diffResponse(d: DiffResult, inputDiff: boolean) {
  const res = new provider.DiffResponse();
  res.setChanges(d.changes ? provider.DiffResponse.DiffChanges.DIFF_SOME : provider.DiffResponse.DiffChanges.DIFF_NONE);
  res.setReplacesList(d.replaces);
  res.setDiffsList([...new Set(Object.keys(d.detailed).map((path) => String(parsePropertyPath(path)[0])))]);
  res.setDeletebeforereplace(d.deleteBeforeReplace);
  res.setHasdetaileddiff(true);
  for (const [path, kind] of Object.entries(d.detailed)) res.getDetaileddiffMap().set(path, new provider.PropertyDiff().setKind(DIFF_KINDS[kind]).setInputdiff(inputDiff));
  return res;
}

/** `urn:pulumi:stack::project::ibmflowlogs:index:FlowLogCollector::name` → its type and name (older engines send no type/name). */
function typeFromUrn(urn: string): string {
  const parts = urn.split('::');
  return parts.length >= 4 ? parts[2].split('$').pop()! : '';
}

function nameFromUrn(urn: string): string {
  return urn.split('::').pop() ?? '';
}

/** Configure's arguments: `args`, or for older engines only `variables` (`ibmflowlogs:config:<key>`, secrets unwrapped). */
function configureArgs(req: InstanceType<typeof provider.ConfigureRequest>): PObject {
  if (req.hasArgs()) return fromStruct(req.getArgs());
  const args: PObject = {};
  req.getVariablesMap().forEach((value, key) => Object.defineProperty(args, key, { value, enumerable: true, writable: true, configurable: true }));
  return args;
}

/**
 * pulumirpc.ResourceProvider for the ibmflowlogs package: decodes requests, dispatches by type token through the
 * resource table (resources/table.ts) and the function table (functions/table.ts), encodes answers. Logic lives in
 * those modules; this file only translates.
 */
export class ProviderServer {
  readonly context: ProcessContext;
  /** ConfigureRequest.acceptSecrets: whether the engine can read secret values in our answers. */
  private acceptSecrets = true;

  constructor(log: EngineLog) {
    this.context = new ProcessContext(log);
  }

  /** What Cancel does (and SIGTERM): every wait and retry sleep ends now. */
  cancelInFlight(): void {
    this.context.cancelInFlight();
  }

  /** Runs a handler and answers its result, or the error mapped to gRPC (a partial failure's outputs by `encoder`). */
  private run<Req>(handler: (req: Req) => Promise<unknown>, encoder?: (req: Req) => Encoder) {
    return (call: Call<Req>, done: Done) => {
      handler(call.request).then(
        (response) => done(null, response),
        (error) => {
          const encode = encoder?.(call.request) ?? ((outputs) => encodeOutputs(outputs, this.encoding(new Set(), {})));
          const mapped = toGrpcError(error, encode);
          done({ code: mapped.code, details: mapped.details, metadata: mapped.metadata } as never, null, mapped.metadata);
        },
      );
    };
  }

  private encoding(secretInputs: ReadonlySet<string>, derivations: ResourceType['secretDerivations']): OutputEncoding {
    return { secretInputs, derivations, acceptSecrets: this.acceptSecrets };
  }

  /** The resource type and call of a resource request. */
  private target(req: { getUrn(): string; getType(): string; getName(): string }): { type: ResourceType; call: ResourceCall } {
    const urn = req.getUrn();
    return { type: resourceType(req.getType() || typeFromUrn(urn)), call: { urn, name: req.getName() || nameFromUrn(urn), context: this.context } };
  }

  /** How a Create's or Update's outputs are encoded: secret where an input they derive from is. */
  private outputsEncoder(req: { getUrn(): string; getType(): string; getName(): string }, inputs: PropertyBag): Encoder {
    const { secretDerivations } = this.target(req).type;
    return (outputs) => encodeOutputs(outputs, this.encoding(inputs.secret, secretDerivations));
  }

  implementation(): UntypedServiceImplementation {
    type CreateReq = InstanceType<typeof provider.CreateRequest>;
    type UpdateReq = InstanceType<typeof provider.UpdateRequest>;
    type ReadReq = InstanceType<typeof provider.ReadRequest>;
    const bag = (s: Parameters<typeof fromStruct>[0]) => bagOf(fromStruct(s));
    const readSecrets = (req: ReadReq) => new Set([...bag(req.getProperties()).secret, ...bag(req.getInputs()).secret]);
    return {
      handshake: this.run(async () => {
        const res = new provider.ProviderHandshakeResponse();
        res.setAcceptSecrets(true);
        res.setAcceptResources(false);
        res.setAcceptOutputs(false);
        res.setSupportsAutonamingConfiguration(true);
        return res;
      }),
      getPluginInfo: this.run(async () => new plugin.PluginInfo().setVersion(packageVersion())),
      getSchema: this.run(async (req: InstanceType<typeof provider.GetSchemaRequest>) => {
        if (req.getVersion() > 1) throw new Error(`schema version ${req.getVersion()} is not supported; this provider serves version 0`);
        return new provider.GetSchemaResponse().setSchema(schemaText());
      }),
      checkConfig: this.run(async (req: InstanceType<typeof provider.CheckRequest>) => {
        const result = checkConfig(fromStruct(req.getNews()), process.env);
        return new provider.CheckResponse().setInputs(toStruct(encodeObject(result.inputs))).setFailuresList(failures(result.failures));
      }),
      diffConfig: this.run(async (req: InstanceType<typeof provider.DiffRequest>) => {
        const d = diffConfig(fromStruct(req.getOldInputs() ?? req.getOlds()), fromStruct(req.getNews()), process.env);
        const detailed = Object.fromEntries(d.changes.map((key): [string, DiffKind] => [key, d.replaces.includes(key) ? 'update-replace' : 'update']));
        return diffResponse({ changes: d.changes.length > 0, replaces: d.replaces, detailed, deleteBeforeReplace: false }, true);
      }),
      configure: this.run(async (req: InstanceType<typeof provider.ConfigureRequest>) => {
        this.context.configure(configureArgs(req), process.env);
        // An engine that cannot read secrets gets none, and copies secretness onto outputs by key itself.
        this.acceptSecrets = req.getAcceptsecrets();
        const res = new provider.ConfigureResponse();
        res.setAcceptsecrets(this.acceptSecrets);
        res.setSupportspreview(true);
        res.setAcceptresources(false);
        res.setAcceptoutputs(false);
        res.setSupportsAutonamingConfiguration(true);
        return res;
      }),
      check: this.run(async (req: InstanceType<typeof provider.CheckRequest>) => {
        const { type, call } = this.target(req);
        const options = req.getAutonaming();
        const autonaming = options && { proposedName: options.getProposedName(), mode: MODES[options.getMode()] ?? 'propose' };
        const result = await type.check({ olds: bag(req.getOlds()), news: bag(req.getNews()), randomSeed: req.getRandomseed_asU8(), autonaming }, call);
        return new provider.CheckResponse().setInputs(toStruct(encodeBag(result.inputs, this.acceptSecrets))).setFailuresList(failures(result.failures));
      }),
      diff: this.run(async (req: InstanceType<typeof provider.DiffRequest>) => {
        const { type, call } = this.target(req);
        const olds = bag(req.getOlds());
        const oldInputs = bag(req.getOldInputs());
        // The engine passes ignoreChanges to Diff without applying them on refresh (pulumi/pulumi
        // pkg/resource/deploy/step.go RefreshStep.Apply → step_generator.go diffResource): they take their old values.
        const news = ignoring(bag(req.getNews()), isEmpty(oldInputs) ? olds : oldInputs, req.getIgnorechangesList());
        return diffResponse(await type.diff({ id: req.getId(), olds, news, oldInputs }, call), false);
      }),
      create: this.run(
        async (req: CreateReq) => {
          const { type, call } = this.target(req);
          const inputs = bag(req.getProperties());
          const result = await type.create({ inputs, preview: req.getPreview(), timeoutSeconds: req.getTimeout() }, call);
          return new provider.CreateResponse().setId(result.id).setProperties(toStruct(this.outputsEncoder(req, inputs)(result.outputs)));
        },
        (req) => this.outputsEncoder(req, bag(req.getProperties())),
      ),
      read: this.run(
        async (req: ReadReq) => {
          const { type, call } = this.target(req);
          const state = bag(req.getProperties());
          const inputs = bag(req.getInputs());
          const result = await type.read({ id: req.getId(), state: isEmpty(state) ? undefined : state, inputs: isEmpty(inputs) ? undefined : inputs }, call);
          const res = new provider.ReadResponse();
          if (!result) return res; // empty id: the resource is gone
          const secrets = readSecrets(req);
          res.setId(result.id);
          res.setProperties(toStruct(encodeOutputs(result.outputs, this.encoding(secrets, type.secretDerivations))));
          res.setInputs(toStruct(encodeOutputs(result.inputs, this.encoding(secrets, {}))));
          return res;
        },
        (req) => (outputs) => encodeOutputs(outputs, this.encoding(readSecrets(req), this.target(req).type.secretDerivations)),
      ),
      update: this.run(
        async (req: UpdateReq) => {
          const { type, call } = this.target(req);
          const news = bag(req.getNews());
          const outputs = await type.update({ id: req.getId(), olds: bag(req.getOlds()), news, preview: req.getPreview(), timeoutSeconds: req.getTimeout() }, call);
          return new provider.UpdateResponse().setProperties(toStruct(this.outputsEncoder(req, news)(outputs)));
        },
        (req) => this.outputsEncoder(req, bag(req.getNews())),
      ),
      delete: this.run(async (req: InstanceType<typeof provider.DeleteRequest>) => {
        const { type, call } = this.target(req);
        await type.delete({ id: req.getId(), state: bag(req.getProperties()), timeoutSeconds: req.getTimeout() }, call);
        return new empty.Empty();
      }),
      invoke: this.run(async (req: InstanceType<typeof provider.InvokeRequest>) => {
        const fn = functionType(req.getTok());
        if (!fn) throw new Error(`unknown function "${req.getTok()}"; this provider offers ${FUNCTION_TOKENS.join(', ')}`);
        const args = bag(req.getArgs());
        const res = new provider.InvokeResponse();
        const problems: Failure[] = [...args.unknown].map((key) => ({ property: keyPath(key), reason: 'must be known: function arguments cannot be unknown' }));
        if (problems.length > 0) return res.setFailuresList(failures(problems));
        try {
          const ret = await fn.invoke(args.values, this.context.functionServices(), args.secret);
          res.setReturn(toStruct(encodeOutputs(ret, this.encoding(new Set(), {}))));
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
          res.setFailuresList(failures(error.failures));
        }
        return res;
      }),
      cancel: this.run(async () => {
        this.cancelInFlight();
        return new empty.Empty();
      }),
      attach: this.run(async (req: InstanceType<typeof plugin.PluginAttach>) => {
        this.context.attach(req.getAddress());
        return new empty.Empty();
      }),
    };
  }
}

/** A bag with the `ignoreChanges` paths set back to their values in `olds` (and no longer unknown). */
function ignoring(news: PropertyBag, olds: PropertyBag, paths: string[]): PropertyBag {
  if (paths.length === 0) return news;
  const { values, touched } = applyIgnoreChanges(news.values, olds.values, paths);
  const unknown = new Set([...news.unknown].filter((k) => !touched.has(k)));
  const secret = new Set([...news.secret].filter((k) => !touched.has(k) || olds.secret.has(k)));
  for (const k of touched) if (olds.secret.has(k)) secret.add(k);
  return { values, unknown, secret };
}
