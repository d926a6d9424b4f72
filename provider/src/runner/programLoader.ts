/**
 * Runs a Pulumi program (TypeScript or JavaScript) under `pulumi.runtime.setMocks`, the way `pulumi up` runs it
 * under the language host, and hands every registration to the runner's engine.
 *
 * Three things the mocks API alone does not give, and why:
 * - The registration request itself (URN parent, provider reference, dependencies, deleteBeforeReplace,
 *   customTimeouts, ignoreChanges, protect, inputs in wire form with their secrets): the monitor's
 *   registerResource calls `newResource` synchronously, so the request is captured just before that call.
 * - One copy of the Pulumi SDK: setMocks is state inside `@pulumi/pulumi`, so `@pulumi/pulumi` and `@pulumi/random`
 *   are resolved to the runner's own copies wherever the program lives (a program with its own node_modules would
 *   otherwise talk to no engine at all). `@ibmflowlogs/pulumi` is the program's own when it has one installed (its
 *   `@pulumi/pulumi` is then the runner's), else the runner's copy.
 * - TypeScript: `.ts` files are transpiled when required (types are checked by `make build`, as ts-node's
 *   transpile-only mode does for `pulumi up`).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { WireObject } from '../rpc/codec';
import type { Project } from './projectFiles';

const ROOT = resolve(__dirname, '../../../..'); // compiled to dist/provider/src/runner
const SDK_ENTRY = resolve(ROOT, 'dist/sdk/nodejs');

/** What the engine learns from a RegisterResource or ReadResource request. */
export interface Registration {
  kind: 'register' | 'read';
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  /** The parent's URN; '' for a child of the stack. */
  parent: string;
  /** Inputs in wire form (secret wrappers, unknown sentinels), as the engine receives them. */
  news: WireObject;
  /** Provider reference `urn::id`, '' for the default provider. */
  provider: string;
  /** The id to read (`get()`) or import; '' otherwise. */
  id: string;
  dependencies: string[];
  /** undefined when the program does not set it: the plugin's Diff decides, as in the engine. */
  deleteBeforeReplace: boolean | undefined;
  /** undefined when the program does not set it: inherited from the parent, as in the engine. */
  protect: boolean | undefined;
  /** undefined when the program does not set it: inherited from the parent, as in the engine. */
  retainOnDelete: boolean | undefined;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  timeouts: { create: string; update: string; delete: string };
  /** Where the program registered it (`file:line:column`), when the SDK says. */
  source?: string;
}

export interface RegistrationResult {
  id?: string;
  /** Outputs in wire form; unknown sentinels make the program's outputs unknown in a preview. */
  state: WireObject;
}

export interface ProgramHandlers {
  register(registration: Registration): Promise<RegistrationResult>;
  invoke(token: string, args: Record<string, unknown>, provider: string): Promise<Record<string, unknown>>;
}

export interface ProgramResult {
  /** The program's exports in wire form. */
  outputs: WireObject;
  /** Errors the program raised outside a registration (a registration's own error is the handler's to report). */
  errors: Error[];
}

let hooksInstalled = false;

function installModuleHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const Module = require('node:module');
  const originalResolve = Module._resolveFilename;
  Module._resolveFilename = function (request: string, parent: unknown, ...rest: unknown[]) {
    if (request === '@ibmflowlogs/pulumi' || request.startsWith('@ibmflowlogs/pulumi/')) {
      // The program's own SDK when it has one installed (as under `pulumi up`), else the runner's copy.
      try {
        return originalResolve.call(this, request, parent, ...rest);
      } catch {
        return originalResolve.call(this, SDK_ENTRY + request.slice('@ibmflowlogs/pulumi'.length), parent, ...rest);
      }
    }
    if (request.startsWith('@pulumi/')) return originalResolve.call(this, request, module, ...rest);
    return originalResolve.call(this, request, parent, ...rest);
  };
  // Stack traces of the program's errors point into its .ts files, not the transpiled code.
  process.setSourceMapsEnabled(true);
  Module._extensions['.ts'] = (mod: { _compile(code: string, file: string): void }, filename: string) => {
    const ts: typeof import('typescript') = require('typescript');
    const out = ts.transpileModule(readFileSync(filename, 'utf8'), {
      fileName: filename,
      reportDiagnostics: true,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true },
    });
    const syntax = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (syntax.length > 0) {
      const where = (d: import('typescript').Diagnostic) => {
        const { line, character } = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: 0, character: 0 };
        return `${filename}:${line + 1}:${character + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      };
      throw new ProgramSyntaxError(`the program does not compile:\n${syntax.map(where).join('\n')}`);
    }
    mod._compile(out.outputText, filename);
  };
}

/** A program file TypeScript cannot parse: the message names each file:line:column. */
export class ProgramSyntaxError extends Error {
  override readonly name = 'ProgramSyntaxError';
}

/** The SDK gives `file://` URIs. */
function sourceFile(uri: string): string {
  return uri.startsWith('file://') ? decodeURIComponent(uri.slice('file://'.length)) : uri;
}

/**
 * After a failed registration the SDK never resolves what depends on it (a dependsOn, an input from its outputs):
 * those registrations, the program's exports and waitForRPCs wait forever. The engine ends such a program: a failed
 * step stops the deployment and the language host exits on the first unhandled error (pulumi/pulumi
 * sdk/nodejs/cmd/run/run.ts). The runner does the same once a registration has failed and nothing has been in flight
 * for QUIET_MS.
 */
class FailureWatch {
  static readonly QUIET_MS = 200;
  private inFlight = 0;
  private failed = false;
  private timer: NodeJS.Timeout | undefined;
  private settle!: () => void;
  /** Resolves once the program is stuck behind a failure. */
  readonly settled = new Promise<void>((resolve) => (this.settle = resolve));

  async track<T>(work: Promise<T>, registration: boolean): Promise<T> {
    this.inFlight += 1;
    clearTimeout(this.timer);
    try {
      return await work;
    } catch (error) {
      if (registration) this.failed = true;
      throw error;
    } finally {
      this.inFlight -= 1;
      if (this.failed && this.inFlight === 0) this.timer = setTimeout(() => this.settle(), FailureWatch.QUIET_MS);
    }
  }

  /** `work`, or undefined once the program is stuck behind a failure. */
  orSettled<T>(work: Promise<T>): Promise<T | undefined> {
    return Promise.race([work, this.settled.then(() => undefined)]);
  }
}

/** Runs the program once. `preview` makes the SDK skip applies on unknown values, as in `pulumi preview`. */
export async function runProgram(project: Project, stack: string, preview: boolean, handlers: ProgramHandlers): Promise<ProgramResult> {
  installModuleHooks();
  process.env.PULUMI_CONFIG = JSON.stringify(project.config);
  const pulumi: typeof import('@pulumi/pulumi') = require('@pulumi/pulumi');
  const settings = require('@pulumi/pulumi/runtime/settings');
  const rpc = require('@pulumi/pulumi/runtime/rpc');

  let current: Registration | undefined;
  const watch = new FailureWatch();
  await pulumi.runtime.setMocks(
    {
      newResource: async () => {
        const registration = current;
        current = undefined;
        if (!registration) throw new Error('internal: a registration reached the mocks without its request');
        const result = await watch.track(handlers.register(registration), true);
        return { id: result.id, state: result.state };
      },
      call: async (args) => watch.track(handlers.invoke(args.token, args.inputs, args.provider ?? ''), false),
    },
    project.name,
    stack,
    preview,
  );
  const monitor = settings.getMonitor();
  for (const [method, kind] of [['registerResource', 'register'], ['readResource', 'read']] as const) {
    const original = monitor[method].bind(monitor);
    monitor[method] = (req: any, callback: unknown) => {
      const type: string = req.getType();
      const timeouts = kind === 'register' ? req.getCustomtimeouts() : undefined;
      const register = kind === 'register';
      const position = req.getSourceposition?.();
      current = {
        kind,
        urn: monitor.newUrn(req.getParent(), type, req.getName()),
        type,
        name: req.getName(),
        custom: register ? req.getCustom() : true,
        parent: req.getParent(),
        news: ((register ? req.getObject() : req.getProperties())?.toJavaScript() ?? {}) as WireObject,
        provider: req.getProvider(),
        id: register ? req.getImportid() : req.getId(),
        dependencies: req.getDependenciesList(),
        deleteBeforeReplace: register && req.getDeletebeforereplacedefined() ? req.getDeletebeforereplace() : undefined,
        protect: register && req.hasProtect() ? req.getProtect() : undefined,
        retainOnDelete: register && req.hasRetainondelete() ? req.getRetainondelete() : undefined,
        ignoreChanges: register ? req.getIgnorechangesList() : [],
        replaceOnChanges: register ? req.getReplaceonchangesList() : [],
        timeouts: { create: timeouts?.getCreate() ?? '', update: timeouts?.getUpdate() ?? '', delete: timeouts?.getDelete() ?? '' },
        source: position ? `${sourceFile(position.getUri())}:${position.getLine()}:${position.getColumn()}` : undefined,
      };
      return original(req, callback);
    };
  }

  const errors: Error[] = [];
  // The SDK leaves a failed registration's promises rejected with nobody listening, sometimes after the program
  // has finished: they are the run's errors, not a reason to crash, for as long as the process lives.
  process.on('unhandledRejection', (reason: unknown) => errors.push(reason instanceof Error ? reason : new Error(String(reason))));
  {
    let exported: unknown;
    try {
      exported = require(project.main);
      if (typeof exported === 'function') exported = await (exported as () => unknown)();
    } catch (error) {
      errors.push(error as Error);
    }
    await watch.orSettled(settings.waitForRPCs());
    let outputs: WireObject = {};
    try {
      const plain = exported && typeof exported === 'object' ? Object.fromEntries(Object.entries(exported as object).filter(([k]) => k !== 'default' && k !== '__esModule')) : {};
      outputs = ((await watch.orSettled(rpc.serializeProperties('outputs', plain))) ?? {}) as WireObject;
    } catch (error) {
      errors.push(error as Error);
    }
    await watch.orSettled(settings.waitForRPCs());
    return { outputs, errors };
  }
}
