import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PersistedState } from './state';

const FILE = 'emulator-state.json';

/** `--state DIR`: the models as one JSON file, written atomically; COS keeps its objects in DIR/cos. */
export class StateDirectory {
  constructor(readonly dir: string) {
    mkdirSync(join(dir, 'cos'), { recursive: true });
  }

  get cosDirectory(): string {
    return join(this.dir, 'cos');
  }

  load(): PersistedState | undefined {
    const file = join(this.dir, FILE);
    if (!existsSync(file)) return undefined;
    let parsed: PersistedState;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8')) as PersistedState;
    } catch (error) {
      throw new Error(`${file} is not valid JSON (${(error as Error).message}); remove it or point --state elsewhere`);
    }
    if (parsed?.format !== 1) throw new Error(`${file} has state format ${String(parsed?.format)}; this emulator reads format 1`);
    return parsed;
  }

  save(state: PersistedState): void {
    const file = join(this.dir, FILE);
    writeFileSync(`${file}.tmp`, JSON.stringify(state));
    renameSync(`${file}.tmp`, file);
  }
}
