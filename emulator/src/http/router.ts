import { fail } from '../errors';
import type { ApiKind, Handler } from './context';

export interface RouteSpec {
  method: string;
  /** Path template; `{name}` matches one segment. */
  path: string;
  api: ApiKind;
  handler: Handler;
}

interface CompiledRoute extends RouteSpec {
  regex: RegExp;
  keys: string[];
}

export type Match =
  | { kind: 'found'; route: RouteSpec; params: Record<string, string> }
  | { kind: 'method'; allowed: string[] }
  | { kind: 'none' };

/** Method + path template → handler; tells "no such path" apart from "path exists, other methods". */
export class Router {
  private readonly routes: CompiledRoute[];

  constructor(specs: RouteSpec[]) {
    this.routes = specs.map((spec) => {
      const keys: string[] = [];
      const source = spec.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, key: string) => {
        keys.push(key);
        return '([^/]+)';
      });
      return { ...spec, regex: new RegExp(`^${source}$`), keys };
    });
  }

  match(method: string, path: string): Match {
    const allowed: string[] = [];
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      route.keys.forEach((key, i) => {
        try {
          params[key] = decodeURIComponent(m[i + 1]);
        } catch {
          // A malformed escape (`%E0%A4%A`) is the client's mistake: 400 in IBM's body, not an internal error.
          fail('invalid_request', `The path segment "${m[i + 1].slice(0, 80)}" is not valid percent-encoding.`, { name: key, type: 'parameter', value: m[i + 1].slice(0, 80) });
        }
      });
      return { kind: 'found', route, params };
    }
    return allowed.length > 0 ? { kind: 'method', allowed } : { kind: 'none' };
  }
}
