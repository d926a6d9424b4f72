/**
 * The engine's resource calls to a plugin (Check, Diff, Create, Update, Read, Delete), with the fields the engine
 * sets, results in wire form, and customTimeouts turned into the seconds the protocol carries.
 */
import { provider } from '../rpc/stubs';
import { toStruct, type WireObject } from '../rpc/codec';
import { CheckFailedError, failuresOf } from './providers';
import type { PluginProcess } from './pluginProcess';
import type { PropertyChange } from './steps';
import { valueAt } from './steps';

export interface Target {
  urn: string;
  type: string;
  name: string;
}

const wire = (s: { toJavaScript(): object } | undefined): WireObject => (s?.toJavaScript() ?? {}) as WireObject;

function on<R extends { setUrn(v: string): unknown; setName(v: string): unknown; setType(v: string): unknown }>(r: R, t: Target): R {
  r.setUrn(t.urn);
  r.setName(t.name);
  r.setType(t.type);
  return r;
}

const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Seconds in a customTimeouts string ("30m", "1h30m", "90s"); 0 (the provider's default) when empty. */
export function timeoutSeconds(text: string): number {
  if (text === '') return 0;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new Error(`customTimeouts value "${text}" is not a duration; use a number with a unit of ns, us, ms, s, m or h, e.g. "30m" or "1h30m"`);
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_SECONDS[p[2]], 0);
}

/** Check: the validated inputs, or CheckFailedError with every failure. */
export async function check(plugin: PluginProcess, t: Target, olds: WireObject, news: WireObject, randomSeed: string): Promise<WireObject> {
  const r = on(new provider.CheckRequest(), t);
  r.setOlds(toStruct(olds));
  r.setNews(toStruct(news));
  r.setRandomseed(randomSeed);
  const res = await plugin.call('check', r);
  const failures = failuresOf(res.getFailuresList());
  if (failures.length > 0) throw new CheckFailedError(t.urn, failures);
  return wire(res.getInputs());
}

export interface DiffResult {
  changed: boolean;
  replace: boolean;
  deleteBeforeReplace: boolean;
  changes: PropertyChange[];
  /** The top-level keys that force a replacement, and those that change (DiffResponse `replaces`, `diffs`). */
  replaceKeys: string[];
  changedKeys: string[];
}

const KIND = provider.PropertyDiff.Kind;

export async function diff(plugin: PluginProcess, t: Target, id: string, oldInputs: WireObject, oldOutputs: WireObject, news: WireObject, ignoreChanges: string[] = []): Promise<DiffResult> {
  const r = on(new provider.DiffRequest(), t);
  r.setId(id);
  r.setOlds(toStruct(oldOutputs));
  r.setOldInputs(toStruct(oldInputs));
  r.setNews(toStruct(news));
  r.setIgnorechangesList(ignoreChanges);
  const res = await plugin.call('diff', r);
  const replaces: string[] = res.getReplacesList();
  const changes: PropertyChange[] = [];
  res.getDetaileddiffMap().forEach((d: InstanceType<typeof provider.PropertyDiff>, path: string) => {
    const k = d.getKind();
    const kind = k === KIND.ADD || k === KIND.ADD_REPLACE ? 'add' : k === KIND.DELETE || k === KIND.DELETE_REPLACE ? 'delete' : 'update';
    const replace = k === KIND.ADD_REPLACE || k === KIND.DELETE_REPLACE || k === KIND.UPDATE_REPLACE;
    changes.push({ path, kind, replace, old: valueAt(d.getInputdiff() ? oldInputs : oldOutputs, path), new: valueAt(news, path) });
  });
  changes.sort((a, b) => a.path.localeCompare(b.path));
  const changed = res.getChanges() === provider.DiffResponse.DiffChanges.DIFF_SOME || replaces.length > 0 || changes.length > 0;
  const replace = replaces.length > 0 || changes.some((c) => c.replace);
  return { changed, replace, deleteBeforeReplace: res.getDeletebeforereplace(), changes, replaceKeys: replaces, changedKeys: res.getDiffsList() };
}

export async function create(plugin: PluginProcess, t: Target, inputs: WireObject, preview: boolean, timeout: number): Promise<{ id: string; outputs: WireObject }> {
  const r = on(new provider.CreateRequest(), t);
  r.setProperties(toStruct(inputs));
  r.setPreview(preview);
  r.setTimeout(timeout);
  const res = await plugin.call('create', r);
  return { id: res.getId(), outputs: wire(res.getProperties()) };
}

export async function update(plugin: PluginProcess, t: Target, id: string, oldInputs: WireObject, oldOutputs: WireObject, news: WireObject, preview: boolean, timeout: number, ignoreChanges: string[] = []): Promise<WireObject> {
  const r = on(new provider.UpdateRequest(), t);
  r.setIgnorechangesList(ignoreChanges);
  r.setId(id);
  r.setOlds(toStruct(oldOutputs));
  r.setOldInputs(toStruct(oldInputs));
  r.setNews(toStruct(news));
  r.setPreview(preview);
  r.setTimeout(timeout);
  const res = await plugin.call('update', r);
  return wire(res.getProperties());
}

/** Read: '' as id when the resource is gone. */
export async function read(plugin: PluginProcess, t: Target, id: string, properties: WireObject, inputs: WireObject): Promise<{ id: string; outputs: WireObject; inputs: WireObject }> {
  const r = on(new provider.ReadRequest(), t);
  r.setId(id);
  r.setProperties(toStruct(properties));
  r.setInputs(toStruct(inputs));
  const res = await plugin.call('read', r);
  return { id: res.getId(), outputs: wire(res.getProperties()), inputs: wire(res.getInputs()) };
}

export async function remove(plugin: PluginProcess, t: Target, id: string, inputs: WireObject, outputs: WireObject, timeout: number): Promise<void> {
  const r = on(new provider.DeleteRequest(), t);
  r.setId(id);
  r.setProperties(toStruct(outputs));
  r.setOldInputs(toStruct(inputs));
  r.setTimeout(timeout);
  await plugin.call('delete', r);
}

export async function invoke(plugin: PluginProcess, token: string, args: WireObject): Promise<WireObject> {
  const r = new provider.InvokeRequest();
  r.setTok(token);
  r.setArgs(toStruct(args));
  const res = await plugin.call('invoke', r);
  const failures = failuresOf(res.getFailuresList());
  if (failures.length > 0) throw new CheckFailedError(token, failures);
  return wire(res.getReturn());
}
