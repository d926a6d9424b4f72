// The release workflow cannot run here; this checks it against what `make dist` writes (scripts/release/*).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { releaseFiles } from '../../scripts/release/identity';
import { ROOT } from '../support/release';

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
}

const workflow = load(readFileSync(join(ROOT, '.github/workflows/release.yml'), 'utf8')) as { on: { push: { tags: string[] } }; jobs: Record<string, { steps: Step[] }> };
const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

/** The release/ paths a step's commands name, with the shell's $V (the tag's version) expanded. */
const releasePaths = (step: Step) => [...(step.run ?? '').matchAll(/release\/[^\s"']+/g)].map((m) => m[0].replace(/\$\{?V\}?/g, version).slice('release/'.length));

describe('release workflow (.github/workflows/release.yml)', () => {
  it('runs on a v* tag and stops unless the tag is v<package.json version> (exported as V) and pluginDownloadURL names this repository', () => {
    expect(workflow.on.push.tags).to.deep.equal(['v*']);
    const check = steps.findIndex((s) => s.run?.includes(`require('./package.json').version`));
    expect(check).to.be.at.least(0);
    expect(steps[check].run).to.contain('if [ "$GITHUB_REF_NAME" != "v$V" ]').and.contain('echo "V=$V" >> "$GITHUB_ENV"');
    expect(steps[check].run).to.contain(`URL=$(node -p "require('./schema.json').pluginDownloadURL")`).and.contain('if [ "$URL" != "github://api.github.com/$GITHUB_REPOSITORY" ]');
    expect(steps[check].run!.match(/exit 1/g)).to.have.length(2);
  });

  it('builds with the same `make dist` as a developer (the Makefile runs scripts/release/dist.ts), after `make test`', () => {
    const runs = steps.map((s) => s.run?.trim());
    expect(runs).to.include('make dist');
    expect(runs.indexOf('make test')).to.be.within(0, runs.indexOf('make dist'));
    expect(readFileSync(join(ROOT, 'Makefile'), 'utf8')).to.match(/^dist: build\n\tnode dist\/scripts\/release\/dist\.js\n/m);
  });

  it('attaches exactly the five plugin tarballs make dist writes to the GitHub release, with notes.md as its notes', () => {
    const upload = steps.filter((s) => s.run?.includes('gh release create'));
    expect(upload).to.have.length(1);
    expect(steps.indexOf(upload[0])).to.be.above(steps.findIndex((s) => s.run?.trim() === 'make dist'));
    const paths = releasePaths(upload[0]);
    expect(paths.filter((p) => p !== 'notes.md').sort()).to.deep.equal([...releaseFiles(version).plugins].sort());
    expect(upload[0].run).to.contain('--notes-file release/notes.md').and.contain('"v$V"');
  });

  it('publishes exactly the two npm tarballs make dist writes, the token coming from a secret', () => {
    const publish = steps.filter((s) => s.run?.includes('npm publish'));
    expect(publish).to.have.length(1);
    expect(releasePaths(publish[0])).to.deep.equal(releaseFiles(version).npm);
    expect(publish[0].env).to.deep.equal({ NODE_AUTH_TOKEN: '${{ secrets.NPM_TOKEN }}' });
  });
});
