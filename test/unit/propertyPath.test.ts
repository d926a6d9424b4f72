import { expect } from 'chai';
import fc from 'fast-check';
import { applyIgnoreChanges, keyPath, parsePropertyPath, PropertyPathError, WILDCARD } from '../../provider/src/shared/propertyPath';

/** Property paths as pulumi/pulumi's ParsePropertyPath reads them (sdk/go/common/resource/properties_path.go). */
describe('property paths', () => {
  it('parses the grammar the engine uses (table)', () => {
    const cases: Array<[string, unknown[]]> = [
      ['root', ['root']],
      ['root.nested', ['root', 'nested']],
      ['root["nested"]', ['root', 'nested']],
      ['tags[0]', ['tags', 0]],
      ['root.array[0][1].nested', ['root', 'array', 0, 1, 'nested']],
      ['root["key with \\"escaped\\" quotes"]', ['root', 'key with "escaped" quotes']],
      ['["root key with a ."][100]', ['root key with a .', 100]],
      ['root.array[*].field', ['root', 'array', WILDCARD, 'field']],
      ['foo-bar', ['foo-bar']],
      ['*', [WILDCARD]],
    ];
    for (const [path, segments] of cases) expect(parsePropertyPath(path), path).to.deep.equal(segments);
  });

  it('refuses malformed paths, naming what is wrong', () => {
    const cases: Array<[string, string]> = [
      ['.a', 'it starts with "."'],
      ['a.', 'it ends with "."'],
      ['a[0', 'an index has no closing "]"'],
      ['a["b', 'a quoted key has no closing quote'],
      ['a["b"x', 'a quoted key has no closing "]"'],
      ['a[b]', '"b" is not an index'],
    ];
    for (const [path, reason] of cases) expect(() => parsePropertyPath(path), path).to.throw(PropertyPathError, reason);
  });

  it('reads back every key keyPath writes (any string, any parent)', () => {
    fc.assert(
      fc.property(fc.string().filter((k) => !k.includes('\\')), fc.constantFrom('', 'a', 'a.b'), (key, parent) => {
        const segments = parsePropertyPath(keyPath(key, parent));
        expect(segments[segments.length - 1]).to.equal(key === '*' ? WILDCARD : key);
      }),
    );
  });

  it('applyIgnoreChanges sets ignored locations back to their old values, removes them when the old values have none (table)', () => {
    const olds = { name: 'old', tags: ['a', 'b'], nested: { x: 1, y: 2 }, list: [{ v: 1 }, { v: 2 }] };
    const news = { name: 'new', tags: ['a', 'c', 'd'], nested: { x: 9, y: 9 }, list: [{ v: 5 }, { v: 6 }], extra: true };
    const cases: Array<[string[], Record<string, unknown>, string[]]> = [
      [['name'], { ...news, name: 'old' }, ['name']],
      [['tags[1]'], { ...news, tags: ['a', 'b', 'd'] }, ['tags']],
      [['nested.x'], { ...news, nested: { x: 1, y: 9 } }, ['nested']],
      [['list[*].v'], { ...news, list: [{ v: 1 }, { v: 2 }] }, ['list']],
      [['extra'], { name: 'new', tags: ['a', 'c', 'd'], nested: { x: 9, y: 9 }, list: [{ v: 5 }, { v: 6 }] }, ['extra']],
      [['absent'], news, []],
    ];
    for (const [paths, values, touched] of cases) {
      expect(applyIgnoreChanges(news, olds, paths), paths.join()).to.deep.equal({ values, touched: new Set(touched) });
    }
    expect(news.name, 'the input is not changed').to.equal('new');
  });
});
