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
        params[key] = decodeURIComponent(m[i + 1]);
      });
      return { kind: 'found', route, params };
    }
    return allowed.length > 0 ? { kind: 'method', allowed } : { kind: 'none' };
  }
}
