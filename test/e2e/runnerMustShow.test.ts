import { expect } from 'chai';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator/src';
import { EmulatorClient } from '../support/emulator';
import { EXAMPLES, ExampleStack, hermeticEnv, runCli, type CommandResult } from '../support/runner';

/** A throwaway Pulumi project: Pulumi.yaml plus index.ts with `program` after the imports. */
function project(root: string, program: string): string {
  const dir = join(root, 'p');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Pulumi.yaml'), 'name: must-show\nruntime: nodejs\n');
  writeProgram(dir, program);
  return dir;
}

function writeProgram(dir: string, program: string): void {
  writeFileSync(join(dir, 'index.ts'), `import * as pulumi from '@pulumi/pulumi';\nimport * as ibmflowlogs from '@ibmflowlogs/pulumi';\nconst config = new pulumi.Config();\n${program}\n`);
}

/** The lines of the closing `Resources:` block, trimmed. */
function summaryOf(run: CommandResult): string[] {
  const lines = run.stdout.split('\n');
  const at = lines.indexOf('Resources:');
  expect(at, `no Resources: block in\n${run.stdout}`).to.be.greaterThan(-1);
  const end = lines.indexOf('', at);
  return lines.slice(at + 1, end).map((l) => l.trim());
}

/** The step table's row of resource `name`: its status word(s). */
function statusOf(run: CommandResult, name: string): string {
  const row = run.stdout.split('\n').find((l) => new RegExp(`^ .{3} ibmflowlogs:index:FlowLogCollector +${name}(?: |$)`).test(l));
  expect(row, `no row for ${name} in\n${run.stdout}`).to.not.equal(undefined);
  return row!.replace(/^ .{3} ibmflowlogs:index:FlowLogCollector +\S+(?: +|$)/, '').replace(/ {2,}\[.*$/, '').trim();
}

/**
 * What the runner must show, through the real command: `ibm-flowlogs run` as a child process, its real plugin, a real
 * emulator over HTTP. Each case checks the exit status and the text a user reads (the value at fault and the fix
 * named), and what the run left in the cloud and in the state file.
 */
describe('e2e: what the runner shows', function () {
  this.timeout(120_000);
  let emulator: RunningEmulator;
  let client: EmulatorClient;
  let scratch: ExampleStack;
  let s: ExampleStack;
  let targets: string[];
  const made: ExampleStack[] = [];

  beforeEach(async () => {
    emulator = await startEmulator({ pendingSeconds: 0, deletingSeconds: 0, log: () => undefined });
    client = new EmulatorClient(emulator);
    scratch = new ExampleStack('', emulator.endpoints);
    const t = await client.topology();
    targets = [...t.subnets.map((x: any) => x.id), ...t.instances.map((x: any) => x.id)];
  });
  afterEach(async () => {
    for (const x of made.splice(0)) x.cleanup();
    scratch.cleanup();
    await emulator.close();
  });

  const stackOf = (program: string) => {
    s = new ExampleStack(project(scratch.work, program), emulator.endpoints, 'dev');
    made.push(s);
    return s;
  };
  const collectors = async () => (await client.control('GET', '/state')).body.collectors as Array<{ id: string; name: string; active: boolean; storage_bucket: { name: string } }>;
  const collector = (name: string, target: number, args = '', opts = '') => `new ibmflowlogs.FlowLogCollector('${name}', { target: '${targets[target]}', storageBucket: 'bucket-c'${args} }${opts ? `, { ${opts} }` : ''});`;

  describe('summaries count what happened', () => {
    it('created, updated, replaced, deleted and unchanged each counted once, by what each step did', async () => {
      const st = stackOf([collector('same', 0), collector('upd', 1), collector('repl', 2), collector('gone', 3)].join('\n'));
      const up = await st.run('up');
      expect(up.code, up.stdout).to.equal(0);
      expect(summaryOf(up)).to.deep.equal(['+ 4 created']);

      // Deletes come after the program's registrations, as step_generator.go's GenerateDeletes runs once the
      // program has finished; the replacement deletes first (the plugin asks deleteBeforeReplace: one collector per target).
      writeProgram(st.dir, [collector('same', 0), collector('upd', 1, ', active: false'), collector('repl', 2).replace("'bucket-c'", "'bucket-e'"), collector('new', 4)].join('\n'));
      const next = await st.run('up');
      expect(next.code, next.stdout).to.equal(0);
      expect([statusOf(next, 'same'), statusOf(next, 'upd'), statusOf(next, 'repl'), statusOf(next, 'gone'), statusOf(next, 'new')]).to.deep.equal(['', 'updated', 'replaced', 'deleted', 'created']);
      expect(summaryOf(next)).to.deep.equal(['+ 1 created', '~ 1 updated', '+- 1 replaced', '- 1 deleted', '1 unchanged']);
      expect((await collectors()).map((c) => c.name).sort()).to.have.length(4);
    });

    it('a create that fails is counted as failed, not created, and the run exits 1', async () => {
      const st = stackOf(collector('ok', 0));
      expect((await st.run('up')).code).to.equal(0);
      // The next collector the emulator creates ends `failed`.
      await client.control('POST', '/lifecycle', { outcome: 'failed', count: 1 });
      writeProgram(st.dir, [collector('ok', 0), collector('bad', 1)].join('\n'));
      const up = await st.run('up');
      expect(up.code, up.stdout).to.equal(1);
      expect(statusOf(up, 'bad')).to.equal('create failed');
      expect(up.stdout).to.match(/error: flow log collector "bad-\w+" \(r006-[\w-]+\) was created but its lifecycle_state is failed/);
      expect(summaryOf(up)).to.deep.equal(['1 unchanged', '1 failed']);
      expect(up.stdout).not.to.match(/\bcreated\s*$/m);
      expect(up.stdout).to.contain('error: the up failed; see the diagnostics above.');
    });

    it('a destroy that `protect` blocks is counted as failed, not deleted; the other resource is deleted', async () => {
      // step.go DeleteStep.Apply refuses a protected resource when the delete is applied, so the deletes applied
      // before it (in reverse order of registration) stand, as here.
      const st = stackOf([collector('kept', 0, '', 'protect: true'), collector('free', 1)].join('\n'));
      expect((await st.run('up')).code).to.equal(0);
      const destroy = await st.run('destroy');
      expect(destroy.code, destroy.stdout).to.equal(1);
      expect(statusOf(destroy, 'kept')).to.equal('delete failed');
      expect(statusOf(destroy, 'free')).to.equal('deleted');
      expect(summaryOf(destroy)).to.deep.equal(['- 1 deleted', '1 failed']);
      expect(destroy.stdout).to.match(/error: kept \(ibmflowlogs:index:FlowLogCollector r006-[\w-]+\) is protected, so destroy did not delete it\. Remove protect from its resource options in the program, run `ibm-flowlogs run up` so that the state records it, then destroy again/);
      expect((await collectors()).map((c) => c.name)).to.have.length(1);
      expect(st.state().resources.map((r) => [r.name, r.protect])).to.deep.equal([['kept', true]]);
    });
  });

  describe('resource options from the program, applied on every run', () => {
    it('protect removed from the program: `up` clears it in the state (a same step), and destroy then deletes', async () => {
      // step_generator.go: a resource whose inputs did not change still gets a SameStep that writes the new
      // registration's options (protect among them) into the new snapshot.
      const st = stackOf(collector('a', 0, '', 'protect: true'));
      expect((await st.run('up')).code).to.equal(0);
      expect(st.state().resources[0].protect).to.equal(true);
      expect((await st.run('destroy')).code).to.equal(1);
      writeProgram(st.dir, collector('a', 0));
      const up = await st.run('up');
      expect(up.code, up.stdout).to.equal(0);
      expect(summaryOf(up)).to.deep.equal(['1 unchanged']);
      expect(st.state().resources[0].protect ?? false).to.equal(false);
      const destroy = await st.run('destroy');
      expect(destroy.code, destroy.stdout).to.equal(0);
      expect(summaryOf(destroy)).to.deep.equal(['- 1 deleted']);
      expect(await collectors()).to.deep.equal([]);
    });

    it('import: id adopts the existing collector (no create), and the next up is unchanged', async () => {
      const existing = await client.createCollector({ name: 'foreign', target: { id: targets[0] }, storage_bucket: { name: 'bucket-c' } });
      const st = stackOf(collector('a', 0, ", name: 'foreign'", `import: '${existing.id}'`));
      const up = await st.run('up');
      expect(up.code, up.stdout).to.equal(0);
      expect(statusOf(up, 'a')).to.equal('imported');
      expect(summaryOf(up)).to.deep.equal(['= 1 imported']);
      expect((await collectors()).map((c) => c.id)).to.deep.equal([existing.id]);
      expect(st.state().resources.map((r) => [r.name, r.id])).to.deep.equal([['a', existing.id]]);
      const again = await st.run('up');
      expect(again.code, again.stdout).to.equal(0);
      expect(summaryOf(again)).to.deep.equal(['1 unchanged']);
    });

    it('replaceOnChanges turns the in-place rename into a replace, in preview and up; deleteBeforeReplace lets it delete first', async () => {
      // step_generator.go applies replaceOnChanges to the provider's Diff (an update becomes a replace); with
      // deleteBeforeReplace the replacement deletes the old collector before it creates the new one.
      const st = stackOf(collector('a', 0, ", name: 'first'"));
      expect((await st.run('up')).code).to.equal(0);
      const [before] = await collectors();
      writeProgram(st.dir, collector('a', 0, ", name: 'second'", "replaceOnChanges: ['name'], deleteBeforeReplace: true"));
      const preview = await st.run('preview');
      expect(preview.code, preview.stdout).to.equal(0);
      expect(preview.stdout).to.match(/\+- +ibmflowlogs:index:FlowLogCollector +a +replace +\[diff: ~name\]/);
      expect(preview.stdout).to.contain('~ name: "first" => "second"   [forces replacement]');
      expect(summaryOf(preview)).to.deep.equal(['+- 1 to replace']);
      const up = await st.run('up');
      expect(up.code, up.stdout).to.equal(0);
      expect(summaryOf(up)).to.deep.equal(['+- 1 replaced']);
      const after = await collectors();
      expect(after.map((c) => c.name)).to.deep.equal(['second']);
      expect(after[0].id).to.not.equal(before.id);
    });

    it('deleteBeforeReplace: false from the program wins over the plugin\'s answer: create first, refused, nothing changed, the fix named', async () => {
      // step_generator.go: the resource option deleteBeforeReplace, when the program sets it, decides the order of a
      // replacement; only when it is unset does the provider's DiffResponse.deleteBeforeReplace (true here) decide.
      const st = stackOf(collector('a', 0, ", name: 'first'"));
      expect((await st.run('up')).code).to.equal(0);
      const before = await collectors();
      writeProgram(st.dir, collector('a', 0, ", name: 'first'", 'deleteBeforeReplace: false').replace("'bucket-c'", "'bucket-e'"));
      const up = await st.run('up');
      expect(up.code, up.stdout).to.equal(1);
      expect(statusOf(up, 'a')).to.equal('replace failed');
      expect(up.stdout).to.contain(`the target already has flow log collector "first" (${before[0].id}, bucket "bucket-c", stable)`);
      expect(up.stdout).to.contain('Set the resource option deleteBeforeReplace: true on this resource and run the update again; nothing was changed.');
      expect(summaryOf(up)).to.deep.equal(['1 failed']);
      expect(await collectors()).to.deep.equal(before);
      expect(st.state().resources.map((r) => r.id)).to.deep.equal([before[0].id]);
    });

    it('ignoreChanges keeps the state\'s value for the ignored property: no replace, only the other change', async () => {
      const st = stackOf(collector('a', 0));
      expect((await st.run('up')).code).to.equal(0);
      writeProgram(st.dir, collector('a', 0, ', active: false', "ignoreChanges: ['storageBucket']").replace("'bucket-c'", "'bucket-e'"));
      const up = await st.run('up');
      expect(up.code, up.stdout).to.equal(0);
      expect(up.stdout).to.match(/~ +ibmflowlogs:index:FlowLogCollector +a +updated +\[diff: ~active\]/);
      expect(up.stdout).not.to.contain('storageBucket: "bucket-c" => "bucket-e"');
      expect(summaryOf(up)).to.deep.equal(['~ 1 updated']);
      const [c] = await collectors();
      expect([c.storage_bucket.name, c.active]).to.deep.equal(['bucket-c', false]);
      expect(st.outputsOf('a').storageBucket).to.equal('bucket-c');
    });

    it('customTimeouts bounds the wait: a create that stays pending fails after the program\'s 1 s', async () => {
      await client.control('POST', '/config', { pendingSeconds: 30 });
      const st = stackOf(collector('a', 0, '', "customTimeouts: { create: '1s' }"));
      const started = Date.now();
      const up = await st.run('up');
      expect(up.code, up.stdout).to.equal(1);
      expect(Date.now() - started, 'well before the 30 s the collector stays pending').to.be.lessThan(20_000);
      expect(up.stdout).to.match(/error: timed out after 1 s waiting for collector "a-\w+" \(r006-[\w-]+\) to become stable; it is still pending/);
      expect(summaryOf(up)).to.deep.equal(['1 failed']);
      // The collector exists, so the state keeps it (with its id) for a later up or destroy.
      const [c] = await collectors();
      expect(st.state().resources.map((r) => r.id)).to.deep.equal([c.id]);
    });

    it('retainOnDelete added to the program: destroy removes it from the stack and leaves the collector in the cloud', async () => {
      // step.go DeleteStep.Apply: a resource with retainOnDelete is removed from the state without the provider's Delete.
      const st = stackOf(collector('a', 0));
      expect((await st.run('up')).code).to.equal(0);
      writeProgram(st.dir, collector('a', 0, '', 'retainOnDelete: true'));
      const up = await st.run('up');
      expect(summaryOf(up)).to.deep.equal(['1 unchanged']);
      const destroy = await st.run('destroy');
      expect(destroy.code, destroy.stdout).to.equal(0);
      expect(statusOf(destroy, 'a')).to.equal('deleted[retain]');
      expect(summaryOf(destroy)).to.deep.equal(['- 1 removed from the stack, left in the cloud (retainOnDelete)']);
      expect(await collectors()).to.have.length(1);
      expect(st.state().resources).to.deep.equal([]);
    });
  });

  describe('ibm-flowlogs run import <type> <name> <id>', () => {
    const importArgs = (st: ExampleStack, type: string, name: string, id: string) => ['run', 'import', type, name, id, '--cwd', st.dir, '--stack', 'dev', '--emulator', st.endpointsFile, '--state', st.stateFile];

    it('reads the collector by id, writes it to the state (protected) and prints the code to paste', async () => {
      const existing = await client.createCollector({ name: 'foreign', target: { id: targets[0] }, storage_bucket: { name: 'bucket-c' } });
      const st = stackOf('');
      const run = await runCli(importArgs(st, 'ibmflowlogs:index:FlowLogCollector', 'logs', existing.id));
      expect(run.code, run.stdout + run.stderr).to.equal(0);
      expect(statusOf(run, 'logs')).to.equal('imported');
      expect(summaryOf(run)).to.deep.equal(['= 1 imported']);
      expect(run.stdout).to.contain('Please copy the following code into your Pulumi application.');
      expect(run.stdout).to.contain('const logs = new ibmflowlogs.FlowLogCollector("logs", {');
      expect(run.stdout).to.contain('    name: "foreign",');
      expect(run.stdout).to.contain(`    target: "${targets[0]}",`);
      expect(run.stdout).to.contain('    protect: true,');
      const [r] = st.state().resources;
      expect([r.name, r.id, r.protect, r.outputs.name]).to.deep.equal(['logs', existing.id, true, 'foreign']);
      expect((await collectors()).map((c) => c.id)).to.deep.equal([existing.id]);
    });

    it('a wrong id fails with the id and where to check it, and writes no state', async () => {
      const st = stackOf('');
      const wrong = 'r006-00000000-0000-0000-0000-000000000000';
      const run = await runCli(importArgs(st, 'ibmflowlogs:index:FlowLogCollector', 'logs', wrong));
      expect(run.code, run.stdout + run.stderr).to.equal(1);
      expect(statusOf(run, 'logs')).to.equal('import failed');
      expect(run.stdout).to.contain(`error: no ibmflowlogs:index:FlowLogCollector with id "${wrong}" exists (the plugin's Read found none); check the id against your cloud, e.g. \`ibmcloud is flow-logs\``);
      expect(summaryOf(run)).to.deep.equal(['1 failed']);
      expect(run.stdout).not.to.contain('Please copy the following code');
      expect(existsSync(st.stateFile), 'no state file written').to.equal(false);
    });
  });

  describe('messages', () => {
    it('no --emulator and no API key: says to pass --emulator, or set IBMCLOUD_API_KEY, or pass --config ibmflowlogs:apiKey', async () => {
      const st = stackOf(collector('a', 0));
      const run = await runCli(['run', 'preview', '--cwd', st.dir, '--stack', 'dev', '--state', st.stateFile], hermeticEnv());
      expect(run.code, run.stdout + run.stderr).to.equal(1);
      expect(run.stdout).to.contain('no IBM Cloud API key for the ibmflowlogs provider, and this run has no --emulator');
      expect(run.stdout).to.contain('start `ibm-flowlogs emulator > endpoints.json` and add --emulator endpoints.json');
      expect(run.stdout).to.contain('set IBMCLOUD_API_KEY (or IC_API_KEY) in the environment');
      expect(run.stdout).to.contain('pass --config ibmflowlogs:apiKey=<value>');
      expect(await collectors()).to.deep.equal([]);
    });

    it('a stale endpoints file: the emulator is not running at that address, said at once (no seconds of ECONNREFUSED retries)', async () => {
      const st = stackOf(collector('a', 0));
      const at = new URL(emulator.endpoints.vpcEndpoint).origin;
      await emulator.close();
      const started = Date.now();
      const run = await st.run('preview');
      const took = Date.now() - started;
      // Started again for afterEach to close.
      emulator = await startEmulator({ pendingSeconds: 0, deletingSeconds: 0, log: () => undefined });
      expect(run.code, run.stdout + run.stderr).to.equal(2);
      expect(run.stderr).to.contain(`the emulator at ${at} (from --emulator ${st.endpointsFile}) is not running (connection refused)`);
      expect(run.stderr).to.contain(`start it with \`ibm-flowlogs emulator > ${st.endpointsFile}\``);
      expect(run.stderr).not.to.contain('ECONNREFUSED');
      expect(took, 'well under the plugin\'s 8 s of retries').to.be.lessThan(5_000);
    });

    it('a mistyped --stack: no Pulumi.<stack>.yaml, and the stacks that are there', async () => {
      const dir = join(EXAMPLES, 'umbrella-and-exceptions');
      const run = await runCli(['run', 'up', '--cwd', dir, '--stack', 'emulatr', '--emulator', scratch.endpointsFile, '--state', join(scratch.work, 'typo.json')], hermeticEnv());
      expect(run.code).to.equal(2);
      expect(run.stderr).to.contain(`no Pulumi.emulatr.yaml in ${dir}, and the runner has no state for stack "emulatr"; stacks here: emulator. Pass one of them with --stack`);
      expect(existsSync(join(scratch.work, 'typo.json'))).to.equal(false);
    });

    it('a program that throws: its file:line, and the whole stack with --verbose', async () => {
      const st = stackOf('');
      writeFileSync(join(st.dir, 'helper.ts'), "export function boom(): never {\n  throw new Error('boom from helper');\n}\n");
      writeProgram(st.dir, "import { boom } from './helper';\nboom();");
      const run = await st.run('up');
      expect(run.code).to.equal(1);
      expect(run.stdout).to.contain(`error: boom from helper\n        at ${join(st.dir, 'helper.ts')}:2:9 (boom)\n        at ${join(st.dir, 'index.ts')}:5:5\n`);
      expect(run.stdout).not.to.contain('Module._compile');
      const verbose = await st.run('up', {}, ['--verbose']);
      expect(verbose.code).to.equal(1);
      expect(verbose.stdout).to.contain(`at boom (${join(st.dir, 'helper.ts')}:2:9)`);
      expect(verbose.stdout).to.contain('Module._compile');
    });

    it('a YAML error in Pulumi.yaml names the file and the place', async () => {
      const st = stackOf(collector('a', 0));
      writeFileSync(join(st.dir, 'Pulumi.yaml'), 'name: must-show\nruntime: [nodejs\n');
      const run = await st.run('preview');
      expect(run.code).to.equal(2);
      expect(run.stderr).to.contain(`${join(st.dir, 'Pulumi.yaml')} is not valid YAML:`);
      expect(run.stderr).to.contain('runtime: [nodejs');
    });

    it('a secure: value that --emulator overrides works; one it does not is refused with the way to give it', async () => {
      const st = stackOf(collector('a', 0));
      const secure = '    secure: AAABAKr0c3ViLWVuY3J5cHRlZA==\n';
      writeFileSync(join(st.dir, 'Pulumi.dev.yaml'), `config:\n  ibmflowlogs:apiKey:\n${secure}`);
      const covered = await st.run('preview');
      expect(covered.code, covered.stdout + covered.stderr).to.equal(0);
      expect(summaryOf(covered)).to.deep.equal(['+ 1 to create']);

      const stackFile = join(st.dir, 'Pulumi.dev.yaml');
      const noEmulator = await runCli(['run', 'preview', '--cwd', st.dir, '--stack', 'dev', '--state', st.stateFile], hermeticEnv());
      expect(noEmulator.code).to.equal(2);
      expect(noEmulator.stderr).to.contain(`${stackFile} holds a secure value that only the Pulumi CLI can decrypt`);
      expect(noEmulator.stderr).to.contain('  - ibmflowlogs:apiKey: set the environment variable IBMCLOUD_API_KEY or IC_API_KEY, or pass --emulator FILE');

      writeFileSync(stackFile, `config:\n  ibmflowlogs:apiKey:\n${secure}  must-show:token:\n${secure}`);
      const program = await st.run('preview');
      expect(program.code).to.equal(2);
      expect(program.stderr).to.contain(`${stackFile} holds a secure value that only the Pulumi CLI can decrypt`);
      expect(program.stderr).to.contain('  - must-show:token: pass --config must-show:token=<value>');
      expect(program.stderr, 'the key --emulator covers is not listed').not.to.contain('ibmflowlogs:apiKey');
    });

    it('an unknown flag: exit 2, the flag, the one meant and the flags there are', async () => {
      const run = await runCli(['run', 'up', '--emulater', 'endpoints.json'], hermeticEnv());
      expect(run.code).to.equal(2);
      expect(run.stderr).to.contain('ibm-flowlogs run: unknown flag --emulater for `ibm-flowlogs run` (did you mean --emulator?); its flags: --cwd DIR, --stack NAME');
      expect(run.stdout).to.equal('');
    });
  });
});
