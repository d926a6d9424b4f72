import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..'); // compiled to dist/test/unit
const MAKEFILE = readFileSync(resolve(ROOT, 'Makefile'), 'utf8');

describe('Makefile: `make help` is true, and `make build` is incremental', () => {
  it('make help names every phony target once, and only those', () => {
    const help = execFileSync('make', ['-s', 'help'], { cwd: ROOT, encoding: 'utf8' });
    const described = [...help.matchAll(/^make (\S+)/gm)].map((m) => m[1]).sort();
    const phony = /^\.PHONY:(.*)$/m.exec(MAKEFILE)![1].trim().split(/\s+/).filter((t) => t !== 'help').sort();
    expect(described).to.deep.equal(phony);
    for (const target of phony) expect(MAKEFILE, `a rule for ${target}`).to.match(new RegExp(`^${target}:`, 'm'));
    // The two commands a newcomer needs come first.
    expect(described.length).to.be.greaterThan(2);
    expect([...help.matchAll(/^make (\S+)/gm)].slice(0, 2).map((m) => m[1])).to.deep.equal(['demo', 'test']);
  });

  it('after make test\'s build, tsc -b finds the tree up to date and rebuilds nothing', () => {
    const out = execFileSync(resolve(ROOT, 'node_modules/.bin/tsc'), ['-b', 'tsconfig.json', '--verbose', '--dry'], { cwd: ROOT, encoding: 'utf8' });
    expect(out).to.match(/Project 'tsconfig\.json' is up to date/);
    expect(out).not.to.match(/would build|Building project/i);
  });
});
