import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import MarkdownIt = require('markdown-it');
import { CONFIG_KEYS } from '../../provider/src/config';
import { PICTURE_STYLES, readmeBlock, replaceReadmeBlock, withoutOutputs, type PictureName } from '../../scripts/readmePictures';
import { COLOURS, lineColour, plainTerminalText, terminalSvg, wrapLine, xmlEscape } from '../../scripts/terminalSvg';
import { parseMarkdown } from '../support/markdown';

/**
 * scripts/terminalSvg.ts draws terminal text as an SVG window (the README's pictures); scripts/readmePictures.ts
 * makes docs/*.svg from real runs and keeps a text copy of each in README.md. These tests pin the drawing, and check
 * that the committed pictures, their text in the README and the README itself agree.
 */

const ROOT = resolve(__dirname, '../../..');

/** Parses an SVG as XML (jsdom's XML parser throws on a document that is not well-formed). */
function parseSvg(svg: string): { texts: Array<{ fill: string | null; text: string }>; width: number } {
  // Typed here: jsdom's own types pull the DOM lib into the whole build.
  const { JSDOM } = require('jsdom') as {
    JSDOM: new (text: string, options: { contentType: string }) => { window: { document: any } };
  };
  const doc = new JSDOM(svg, { contentType: 'image/svg+xml' }).window.document;
  const root = doc.documentElement;
  expect(root.tagName).to.equal('svg');
  const texts = Array.from(doc.querySelectorAll('g text') as ArrayLike<any>).map((t: any) => ({ fill: t.getAttribute('fill') as string | null, text: t.textContent as string }));
  return { texts, width: Number(root.getAttribute('width')) };
}

describe('terminalSvg: terminal text as an SVG window', () => {
  it('escapes < & > and both quotes, in text and in the title', () => {
    expect(xmlEscape(`a < b && c > "d" 'e'`)).to.equal('a &lt; b &amp;&amp; c &gt; &quot;d&quot; &apos;e&apos;');
    const svg = terminalSvg(`if (a < b && c > 0) print("x", 'y')`, { title: 'run <1> & "2"' });
    expect(svg).to.contain('if (a &lt; b &amp;&amp; c &gt; 0) print(&quot;x&quot;, &apos;y&apos;)');
    expect(svg).to.contain('<title>run &lt;1&gt; &amp; &quot;2&quot;</title>');
    const parsed = parseSvg(svg);
    expect(parsed.texts.map((t) => t.text)).to.deep.equal([`if (a < b && c > 0) print("x", 'y')`]);
  });

  it('colours warning and error lines, prompts, and the +, -, ~ and +- step lines', () => {
    const table: Array<[string, string]> = [
      ['warning: 3 interfaces of subnet-2 move from bucket-e to bucket-c', COLOURS.yellow],
      ['    warning: indented, as under Diagnostics', COLOURS.yellow],
      ['ibm-flowlogs plan: warning: something', COLOURS.yellow],
      ['error: the plan has 1 conflict', COLOURS.red],
      ['  ibm-flowlogs: error: both error: and warning: in one line', COLOURS.red],
      [' +   ibmflowlogs:index:FlowLogCollector  subnet-exception  create', COLOURS.green],
      ['    + 2 to create', COLOURS.green],
      [' -   ibmflowlogs:index:FlowLogCollector  old  delete', COLOURS.red],
      [' ~   ibmflowlogs:index:FlowLogCollector  vpc-umbrella  update', COLOURS.yellow],
      [' +-  ibmflowlogs:index:FlowLogCollector  moved  replace', COLOURS.magenta],
      ['$ ibm-flowlogs plan --collectors planned.json', COLOURS.prompt],
      ['     ibmflowlogs:index:FlowLogCollector  vpc-umbrella', COLOURS.text],
      ['a-b+c~d with signs inside', COLOURS.text],
      ['-- not a step', COLOURS.text],
    ];
    for (const [line, colour] of table) expect(lineColour(line), line).to.equal(colour);
    const fills = parseSvg(terminalSvg(table.map(([line]) => line).join('\n'))).texts.map((t) => t.fill);
    expect(fills).to.deep.equal(table.map(([, colour]) => colour));
  });

  it('is as wide as its longest line, and grows with it', () => {
    const width = (text: string) => parseSvg(terminalSvg(text)).width;
    const short = width('x'.repeat(50));
    const long = width(`short\n${'y'.repeat(120)}\nshort`);
    expect(long).to.be.greaterThan(short);
    // 13 px font: 7.8 px a column, 16 px padding each side.
    expect(short).to.equal(Math.ceil(32 + 50 * 7.8));
    expect(long).to.equal(Math.ceil(32 + 120 * 7.8));
    expect(width('z'.repeat(121))).to.be.greaterThan(long);
    // A short text still gets a window 40 columns wide.
    expect(width('ok')).to.equal(Math.ceil(32 + 40 * 7.8));
  });

  it('keeps spaces, pins each line to its column count, and draws blank lines as gaps', () => {
    const svg = terminalSvg('  CHANGE   COLLECTOR\n\n  create   a');
    const parsed = parseSvg(svg);
    expect(parsed.texts.map((t) => t.text)).to.deep.equal(['  CHANGE   COLLECTOR', '  create   a']);
    expect(svg).to.match(/textLength="156"[^>]*xml:space="preserve"/); // 20 columns × 7.8
    const ys = [...svg.matchAll(/<text x="16" y="(\d+)"/g)].map((m) => Number(m[1]));
    expect(ys[1] - ys[0]).to.equal(2 * 19); // one blank line of 19 px between them
  });

  it('strips ANSI colour codes and control characters, and expands tabs', () => {
    expect(plainTerminalText('\u001b[33mwarning:\u001b[0m x\u0007\ta')).to.equal('warning: x      a');
    expect(parseSvg(terminalSvg('\u001b[31mred\u001b[0m\u0000')).texts[0].text).to.equal('red');
  });

  it('wraps long lines at spaces when asked, keeping the indentation and the colour', () => {
    const line = '  Note: A suspended collector (active: false) keeps its place in the precedence order, so its interfaces get no logs.';
    const parts = wrapLine(line, 50);
    expect(parts.length).to.be.greaterThan(1);
    for (const p of parts) expect(p.length, p).to.be.at.most(50);
    expect(parts.slice(1).every((p) => p.startsWith('    ') && !p.startsWith('     '))).to.equal(true);
    expect(parts.map((p) => p.trim()).join(' ')).to.equal(line.trim());
    expect(wrapLine('x'.repeat(30), 10)).to.deep.equal(['x'.repeat(10), `  ${'x'.repeat(8)}`, `  ${'x'.repeat(8)}`, `  ${'x'.repeat(4)}`]);
    expect(wrapLine('short', 50)).to.deep.equal(['short']);
    const svg = parseSvg(terminalSvg(`    warning: ${'word '.repeat(30)}`, { wrap: 60 }));
    expect(svg.texts.length).to.be.greaterThan(1);
    expect(svg.texts.every((t) => t.fill === COLOURS.yellow)).to.equal(true);
  });

  it('is deterministic', () => {
    const text = 'Diagnostics:\n    warning: a\n+ 1 to create\n';
    expect(terminalSvg(text, { title: 't' })).to.equal(terminalSvg(text, { title: 't' }));
  });
});

describe('readmePictures: helpers', () => {
  it('drops the Outputs: section of a preview and keeps the Resources: summary', () => {
    const preview = ['Diagnostics:', '    warning: x', '', 'Outputs:', '    a: [', '        1', '    ]', '', 'Resources:', '    + 2 to create'].join('\n');
    expect(withoutOutputs(preview)).to.equal(['Diagnostics:', '    warning: x', '', 'Resources:', '    + 2 to create'].join('\n'));
    expect(withoutOutputs('no outputs here')).to.equal('no outputs here');
  });

  it('replaces the text between a picture\'s markers, and reads it back', () => {
    const readme = 'before\n<!-- pictures:p -->\n```text\nold\n```\n<!-- /pictures:p -->\nafter\n';
    const next = replaceReadmeBlock(readme, 'p', 'new 1\nnew 2\n');
    expect(next).to.equal('before\n<!-- pictures:p -->\n```text\nnew 1\nnew 2\n```\n<!-- /pictures:p -->\nafter\n');
    expect(readmeBlock(next, 'p')).to.equal('new 1\nnew 2');
    expect(() => replaceReadmeBlock('no markers', 'p', 'x')).to.throw(/no <!-- pictures:p -->/);
  });
});

describe('README pictures (docs/*.svg, made by `npm run pictures`)', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const svg = (name: PictureName) => readFileSync(join(ROOT, 'docs', `${name}.svg`), 'utf8');

  it('both pictures exist, are well-formed SVG, and the README embeds them with alt text', () => {
    for (const name of Object.keys(PICTURE_STYLES) as PictureName[]) {
      expect(existsSync(join(ROOT, 'docs', `${name}.svg`)), `docs/${name}.svg`).to.equal(true);
      expect(parseSvg(svg(name)).texts.length, name).to.be.greaterThan(10);
      expect(readme).to.match(new RegExp(`!\\[[^\\]]{40,}\\]\\(docs/${name}\\.svg\\)`), `README embeds docs/${name}.svg with alt text`);
    }
  });

  it('the preview picture shows the move warnings under Diagnostics', () => {
    const lines = parseSvg(svg('preview-warning')).texts;
    const warnings = lines.filter((l) => l.text.includes('warning:'));
    expect(warnings.map((l) => l.fill)).to.deep.equal([COLOURS.yellow, COLOURS.yellow]);
    expect(warnings[0].text).to.contain('3 interfaces of subnet-2 move from bucket-e to bucket-c');
    expect(warnings[1].text).to.contain('interface eth0 of instance-5 moves from bucket-e to bucket-instance-5');
    expect(lines.map((l) => l.text)).to.include('Diagnostics:');
    expect(lines.some((l) => l.text.startsWith('Outputs:'))).to.equal(false);
    expect(lines.map((l) => l.text.trim())).to.include('+ 2 to create');
  });

  it('the plan picture names the buckets of the plan', () => {
    const text = parseSvg(svg('plan-report')).texts.map((l) => l.text).join('\n');
    for (const bucket of ['bucket-e', 'bucket-c', 'bucket-instance-5']) expect(text).to.contain(bucket);
    expect(text).to.contain('bucket-e → bucket-c');
    expect(text).to.contain('bucket-c → bucket-instance-5');
    expect(text).to.contain('4 interfaces move to another bucket and 1 interface stops logging');
  });

  it('the README holds the text of each picture: drawn again, it gives the committed SVG byte for byte', () => {
    for (const name of Object.keys(PICTURE_STYLES) as PictureName[]) {
      const text = readmeBlock(readme, name);
      expect(text, `README.md has a <!-- pictures:${name} --> block`).to.be.a('string');
      expect(terminalSvg(text!, PICTURE_STYLES[name]), `README text and docs/${name}.svg differ: run \`npm run pictures\``).to.equal(svg(name));
    }
  });
});

describe('README.md renders as Markdown', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const doc = parseMarkdown(readme);

  it('every table row has as many cells as its header (a `|` in a cell must be escaped, even in code)', () => {
    expect(doc.tables.length).to.be.greaterThan(5);
    const blocks: string[][] = [];
    let previous = false;
    for (const line of readme.split('\n')) {
      const row = /^\|.*\|$/.test(line);
      if (row && !previous) blocks.push([]);
      if (row) blocks[blocks.length - 1].push(line);
      previous = row;
    }
    expect(blocks.length).to.equal(doc.tables.length);
    for (const block of blocks) {
      const cells = block.map((line) => line.split(/(?<!\\)\|/).length - 2);
      for (const [i, n] of cells.entries()) expect(n, block[i]).to.equal(cells[0]);
    }
  });

  it('the configuration table lists exactly the provider\'s config keys (provider/src/config/keys.ts)', () => {
    const table = doc.tables.find((t) => t.header[0] === 'key' && t.header[1] === 'environment');
    expect(table, 'the configuration table').to.not.equal(undefined);
    const keys = table!.rows.map((r) => r[0].replace(/\s*\(secret\)$/, ''));
    expect(keys).to.deep.equal(CONFIG_KEYS);
  });

  it('the pictures\' text sits in collapsed <details> blocks as fenced text', () => {
    expect(doc.htmlBlocks.filter((b) => b.startsWith('<details>')).length).to.equal(2);
    const fences = doc.fences.filter((f) => f.info === 'text').map((f) => f.content);
    expect(fences.some((f) => f.includes('move from bucket-e to bucket-c'))).to.equal(true);
    expect(fences.some((f) => f.includes('$ ibm-flowlogs plan --collectors planned.json'))).to.equal(true);
  });

  it('every relative link and image points at a file or folder of the repository', () => {
    const tokens = new MarkdownIt({ html: true }).parse(readme, {});
    const targets: string[] = [];
    for (const t of tokens) {
      for (const c of t.children ?? []) {
        if (c.type === 'link_open') targets.push(String(c.attrGet('href') ?? ''));
        if (c.type === 'image') targets.push(String(c.attrGet('src') ?? ''));
      }
    }
    const relative = targets.filter((href) => href !== '' && !/^[a-z]+:/i.test(href) && !href.startsWith('#'));
    expect(relative.length).to.be.greaterThan(5);
    for (const href of relative) expect(existsSync(join(ROOT, href.split('#')[0])), href).to.equal(true);
  });

  it('every in-page link names a heading', () => {
    const slug = (heading: string) => heading.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
    const anchors = new Set(readme.split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => slug(l.replace(/^#+ /, ''))));
    const links = [...readme.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(links.length).to.be.greaterThan(3);
    for (const link of links) expect(anchors.has(link), `#${link}`).to.equal(true);
  });
});
