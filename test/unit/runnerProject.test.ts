import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readProject } from '../../provider/src/runner/projectFiles';

describe('runner: reading a Pulumi project and its stack config', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'runner-project-'));
    writeFileSync(join(dir, 'index.ts'), '');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('namespaces keys like the Pulumi CLI: project defaults, then the stack file, then --config overrides', () => {
    writeFileSync(join(dir, 'Pulumi.yaml'), 'name: demo\nruntime:\n  name: nodejs\nconfig:\n  bucket:\n    type: string\n    default: bucket-e\n  exceptions:\n    default: true\n  noDefault:\n    type: string\n');
    writeFileSync(join(dir, 'Pulumi.dev.yaml'), 'config:\n  demo:vpc: r006-1\n  ibmflowlogs:region: eu-de\n  tags: [a, b]\n');
    const project = readProject(dir, 'dev', { bucket: 'bucket-c' });
    expect(project.name).to.equal('demo');
    expect(project.main).to.equal(join(dir, 'index.ts'));
    expect(project.config).to.deep.equal({ 'demo:bucket': 'bucket-c', 'demo:exceptions': 'true', 'demo:vpc': 'r006-1', 'ibmflowlogs:region': 'eu-de', 'demo:tags': '["a","b"]' });
  });

  it('says what is wrong with a project it cannot run', () => {
    const cases: Array<[string, string | undefined, string]> = [
      ['runtime: nodejs\n', undefined, '"name" must be a non-empty string'],
      ['name: p\nruntime: python\n', undefined, 'the offline runner runs nodejs programs; runtime is "python"'],
      ['name: p\nruntime: nodejs\nmain: missing.ts\n', undefined, 'no program found'],
      ['name: p\nruntime: nodejs\n', 'config: [a]\n', '"config" must be a mapping of key: value; received ["a"]'],
    ];
    for (const [projectYaml, stackYaml, message] of cases) {
      writeFileSync(join(dir, 'Pulumi.yaml'), projectYaml);
      if (stackYaml) writeFileSync(join(dir, 'Pulumi.dev.yaml'), stackYaml);
      expect(() => readProject(dir, 'dev'), projectYaml).to.throw(message);
      rmSync(join(dir, 'Pulumi.dev.yaml'), { force: true });
    }
    expect(() => readProject(join(dir, 'nowhere'), 'dev')).to.throw(`no directory ${join(dir, 'nowhere')}; pass the project's directory (the one with Pulumi.yaml) with --cwd`);
    // A secure value is listed, not refused: the run goes on when --config (or --emulator) gives it another way.
    writeFileSync(join(dir, 'Pulumi.yaml'), 'name: p\nruntime: nodejs\n');
    writeFileSync(join(dir, 'Pulumi.dev.yaml'), 'config:\n  p:key:\n    secure: v1:abc\n  p:other:\n    secure: v1:def\n');
    expect(readProject(dir, 'dev').secureKeys).to.deep.equal(['p:key', 'p:other']);
    expect(readProject(dir, 'dev', { other: 'given' }).secureKeys).to.deep.equal(['p:key']);
    rmSync(join(dir, 'Pulumi.dev.yaml'));
  });
});
