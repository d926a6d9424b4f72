import type { sendUnaryData, ServerUnaryCall, UntypedServiceImplementation } from '@grpc/grpc-js';
import * as collector from '../resources/flowLogCollector';
import { ManagedCollectors } from '../resources/managed';
import type { CheckFailure } from '../resources/properties';
import { FUNCTIONS } from './dispatch';
import type { EngineLog } from './engineLog';
import { toGrpcError } from './errors';
import { bagOf, encodeBag, encodeOutputs, secretOutputs } from './properties';
import { checkProviderConfig, configureServices, diffProviderConfig, type Services } from './services';
import { empty, plugin, provider, struct } from './stubs';
import { keyPath } from './codec';
import { packageVersion, schemaText } from '../package/info';

type Call<Req> = ServerUnaryCall<Req, unknown>;
type Done = sendUnaryData<unknown>;

const DIFF_KINDS: Record<collector.DiffKind, number> = {
  add: provider.PropertyDiff.Kind.ADD,
  'add-replace': provider.PropertyDiff.Kind.ADD_REPLACE,
  delete: provider.PropertyDiff.Kind.DELETE,
  'delete-replace': provider.PropertyDiff.Kind.DELETE_REPLACE,
  update: provider.PropertyDiff.Kind.UPDATE,
  'update-replace': provider.PropertyDiff.Kind.UPDATE_REPLACE,
};

const toStruct = (value: object) => struct.Struct.fromJavaScript(value as Record<string, any>);
const fromStruct = (value: { toJavaScript(): object } | undefined) => (value ? value.toJavaScript() : {});

function failures(list: CheckFailure[]) {
  return list.map((f) => {
    const failure = new provider.CheckFailure();
    failure.setProperty(f.property);
    failure.setReason(f.reason);
    return failure;
  });
}

/**
 * pulumirpc.ResourceProvider for the ibmflowlogs package: decodes requests, dispatches by type token to
 * resources/ and functions/, encodes answers. Logic lives in those modules; this file only translates.
 */
export class ProviderServer {
  private services?: Services;
  private cancel = new AbortController();
  /** Resource URN → the collector it manages, as seen in this process (Check tells ours from a foreign one with it). */
  private readonly managed = new ManagedCollectors();

  constructor(private readonly log: EngineLog) {}

  /** What Cancel does: every wait and retry sleep listens to this signal and ends now; later calls get a fresh one. */
  cancelInFlight(): void {
    this.cancel.abort();
    this.cancel = new AbortController();
  }

  /** Runs a handler and answers its result, or the error mapped to gRPC. */
  private run<Req>(handler: (req: Req) => Promise<unknown>) {
    return (call: Call<Req>, done: Done) => {
      handler(call.request).then(
        (response) => done(null, response),
        (error) => {
          const mapped = toGrpcError(error, (outputs) => encodeOutputs(outputs, new Set()));
          done({ code: mapped.code, details: mapped.details, metadata: mapped.metadata } as never, null, mapped.metadata);
        },
      );
    };
  }

  private requireServices(): Services {
    if (!this.services) throw new Error('the ibmflowlogs provider is not configured yet (the engine calls Configure first)');
    return this.services;
  }

  private resourceServices(urn: string): collector.CollectorServices {
    const s = this.requireServices();
    return {
      vpc: s.vpc,
      tags: s.tags,
      targets: s.targets,
      topology: s.topology,
      signal: this.cancel.signal,
      log: (severity, message) => this.log.log(severity, message, urn),
      urn,
      managed: this.managed,
    };
  }

  private checkType(type: string): void {
    if (type !== collector.TOKEN) throw Object.assign(new Error(`unknown resource type "${type}"; this provider offers ${collector.TOKEN}`), { code: 'ERR_UNKNOWN_TYPE' });
  }

  implementation(): UntypedServiceImplementation {
    return {
      handshake: this.run(async () => {
        const res = new provider.ProviderHandshakeResponse();
        res.setAcceptSecrets(true);
        res.setAcceptResources(false);
        res.setAcceptOutputs(false);
        return res;
      }),
      getPluginInfo: this.run(async () => {
        const info = new plugin.PluginInfo();
        info.setVersion(packageVersion());
        return info;
      }),
      getSchema: this.run(async (req: InstanceType<typeof provider.GetSchemaRequest>) => {
        if (req.getVersion() > 1) throw new Error(`schema version ${req.getVersion()} is not supported; this provider serves version 0`);
        const res = new provider.GetSchemaResponse();
        res.setSchema(schemaText());
        return res;
      }),
      checkConfig: this.run(async (req: InstanceType<typeof provider.CheckRequest>) => {
        const result = checkProviderConfig(fromStruct(req.getNews()), process.env);
        const res = new provider.CheckResponse();
        res.setInputs(toStruct(result.inputs));
        res.setFailuresList(failures(result.failures));
        return res;
      }),
      diffConfig: this.run(async (req: InstanceType<typeof provider.DiffRequest>) => {
        const d = diffProviderConfig(fromStruct(req.getOldInputs() ?? req.getOlds()), fromStruct(req.getNews()));
        const res = new provider.DiffResponse();
        res.setChanges(d.changes.length > 0 ? provider.DiffResponse.DiffChanges.DIFF_SOME : provider.DiffResponse.DiffChanges.DIFF_NONE);
        res.setReplacesList(d.replaces);
        res.setDiffsList(d.changes);
        res.setHasdetaileddiff(true);
        for (const key of d.changes) {
          const pd = new provider.PropertyDiff();
          pd.setKind(d.replaces.includes(key) ? provider.PropertyDiff.Kind.UPDATE_REPLACE : provider.PropertyDiff.Kind.UPDATE);
          pd.setInputdiff(true);
          res.getDetaileddiffMap().set(key, pd);
        }
        return res;
      }),
      configure: this.run(async (req: InstanceType<typeof provider.ConfigureRequest>) => {
        this.services = await configureServices(fromStruct(req.getArgs()), process.env);
        const res = new provider.ConfigureResponse();
        res.setAcceptsecrets(true);
        res.setSupportspreview(true);
        res.setAcceptresources(false);
        res.setAcceptoutputs(false);
        return res;
      }),
      check: this.run(async (req: InstanceType<typeof provider.CheckRequest>) => {
        this.checkType(req.getType() || typeFromUrn(req.getUrn()));
        const result = await collector.check(bagOf(fromStruct(req.getOlds())), bagOf(fromStruct(req.getNews())), {
          name: req.getName() || nameFromUrn(req.getUrn()),
          randomSeed: req.getRandomseed(),
          services: this.services && this.resourceServices(req.getUrn()),
        });
        const res = new provider.CheckResponse();
        res.setInputs(toStruct(encodeBag(result.inputs)));
        res.setFailuresList(failures(result.failures));
        return res;
      }),
      diff: this.run(async (req: InstanceType<typeof provider.DiffRequest>) => {
        this.checkType(req.getType() || typeFromUrn(req.getUrn()));
        const olds = bagOf(fromStruct(req.getOlds()));
        const d = collector.diff(olds, bagOf(fromStruct(req.getNews())));
        this.managed.noteDiff(req.getUrn(), req.getId(), olds.values, d.replaces.length > 0);
        const res = new provider.DiffResponse();
        res.setChanges(d.changes ? provider.DiffResponse.DiffChanges.DIFF_SOME : provider.DiffResponse.DiffChanges.DIFF_NONE);
        res.setReplacesList(d.replaces);
        res.setDiffsList(Object.keys(d.detailed));
        res.setDeletebeforereplace(d.deleteBeforeReplace);
        res.setHasdetaileddiff(true);
        for (const [key, kind] of Object.entries(d.detailed)) {
          const pd = new provider.PropertyDiff();
          pd.setKind(DIFF_KINDS[kind]);
          pd.setInputdiff(false);
          res.getDetaileddiffMap().set(key, pd);
        }
        return res;
      }),
      create: this.run(async (req: InstanceType<typeof provider.CreateRequest>) => {
        this.checkType(req.getType() || typeFromUrn(req.getUrn()));
        const inputs = bagOf(fromStruct(req.getProperties()));
        const result = await collector.create(inputs, { preview: req.getPreview(), timeoutSeconds: req.getTimeout(), services: this.resourceServices(req.getUrn()) });
        if (!req.getPreview()) this.managed.noteState(req.getUrn(), result.id, result.outputs);
        const res = new provider.CreateResponse();
        res.setId(result.id);
        res.setProperties(toStruct(encodeOutputs(result.outputs, secretOutputs(inputs))));
        return res;
      }),
      read: this.run(async (req: InstanceType<typeof provider.ReadRequest>) => {
        this.checkType(req.getType() || typeFromUrn(req.getUrn()));
        const state = req.getProperties() ? bagOf(fromStruct(req.getProperties())) : undefined;
        const inputs = req.getInputs() ? bagOf(fromStruct(req.getInputs())) : undefined;
        const hasState = state !== undefined && Object.keys(state.values).length > 0;
        const result = await collector.read(req.getId(), hasState ? state : undefined, inputs && Object.keys(inputs.values).length > 0 ? inputs : undefined, this.resourceServices(req.getUrn()));
        const res = new provider.ReadResponse();
        if (!result) {
          this.managed.noteDeleted(req.getUrn(), req.getId());
          return res; // empty id: the collector is gone
        }
        this.managed.noteState(req.getUrn(), result.id, result.outputs);
        const secret = new Set([...(state?.secret ?? []), ...(inputs?.secret ?? [])]);
        res.setId(result.id);
        res.setProperties(toStruct(encodeOutputs(result.outputs, secretOutputs({ values: {}, unknown: new Set(), secret }))));
        res.setInputs(toStruct(encodeOutputs(result.inputs, secret)));
        return res;
      }),
      update: this.run(async (req: InstanceType<typeof provider.UpdateRequest>) => {
        this.checkType(req.getType() || typeFromUrn(req.getUrn()));
        const news = bagOf(fromStruct(req.getNews()));
        const outputs = await collector.update(req.getId(), bagOf(fromStruct(req.getOlds())), news, {
          preview: req.getPreview(),
          timeoutSeconds: req.getTimeout(),
          services: this.resourceServices(req.getUrn()),
        });
        if (!req.getPreview()) this.managed.noteState(req.getUrn(), req.getId(), outputs);
        const res = new provider.UpdateResponse();
        res.setProperties(toStruct(encodeOutputs(outputs, secretOutputs(news))));
        return res;
      }),
      delete: this.run(async (req: InstanceType<typeof provider.DeleteRequest>) => {
        this.checkType(req.getType() || typeFromUrn(req.getUrn()));
        await collector.remove(req.getId(), { timeoutSeconds: req.getTimeout(), services: this.resourceServices(req.getUrn()) });
        this.managed.noteDeleted(req.getUrn(), req.getId());
        return new empty.Empty();
      }),
      invoke: this.run(async (req: InstanceType<typeof provider.InvokeRequest>) => {
        const fn = FUNCTIONS[req.getTok()];
        if (!fn) throw new Error(`unknown function "${req.getTok()}"; this provider offers ${Object.keys(FUNCTIONS).join(', ')}`);
        const args = bagOf(fromStruct(req.getArgs()));
        const res = new provider.InvokeResponse();
        const problems: CheckFailure[] = [...args.unknown].map((key) => ({ property: keyPath(key), reason: 'must be known: function arguments cannot be unknown' }));
        if (problems.length > 0) {
          res.setFailuresList(failures(problems));
          return res;
        }
        try {
          const s = this.requireServices();
          res.setReturn(toStruct(encodeOutputs(await fn(args.values, { vpc: s.vpc, topology: s.topology, targets: s.targets, signal: this.cancel.signal }), new Set())));
        } catch (error) {
          const input = error as { failures?: CheckFailure[] };
          if (!input.failures) throw error;
          res.setFailuresList(failures(input.failures));
        }
        return res;
      }),
      cancel: this.run(async () => {
        this.cancelInFlight();
        return new empty.Empty();
      }),
      attach: this.run(async (req: InstanceType<typeof plugin.PluginAttach>) => {
        this.log.attach(req.getAddress());
        return new empty.Empty();
      }),
    };
  }
}

/** `urn:pulumi:stack::project::ibmflowlogs:index:FlowLogCollector::name` → its type and name (older engines send no type/name). */
function typeFromUrn(urn: string): string {
  const parts = urn.split('::');
  return parts.length >= 4 ? parts[2].split('$').pop()! : '';
}

function nameFromUrn(urn: string): string {
  return urn.split('::').pop() ?? '';
}

