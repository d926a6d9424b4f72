/**
 * Every difference between the SQL that DuckDB runs here and the SQL that Spark runs on IBM Analytics Engine, in
 * one place: the analysis (analysis.ts) and the loading of raw objects (load.ts) are written once against this
 * interface, and nothing outside this module knows which engine it is writing for (a test renders both through a
 * marker dialect to hold them to that). Spark references: the Spark SQL built-in functions of Spark 3.3 and later
 * (IBM Analytics Engine serverless runs 3.3 to 3.5).
 */

export interface Dialect {
  readonly name: 'duckdb' | 'spark';
  /** A named intermediate result that later statements read more than once. */
  table(name: string, select: string): string[];
  /** A named query evaluated where it is used. */
  view(name: string, select: string): string[];
  /** The distinct values of `expr` in a group, as a list (in no particular order). */
  distinctList(expr: string): string;
  /** The lists of `expr` in a group, concatenated. */
  concatLists(expr: string): string;
  /** The number of distinct values of `expr` in a window frame. */
  distinctCountOver(expr: string, window: string): string;
  /** The length of a list. */
  listLength(expr: string): string;
  /** How many elements of a list satisfy `predicate` (a lambda body over `x`). */
  countWhere(list: string, predicate: string): string;
  /** One row per element of a list (in a SELECT list). */
  explode(list: string): string;
  /** Whether the whole string matches a regular expression (written without backslashes). */
  matches(expr: string, regex: string): string;
  /** The `n`-th (1-based) `.`-separated part of a string. */
  dotPart(expr: string, n: number): string;
  /** The length of a string in UTF-8 bytes. */
  byteLength(expr: string): string;
  /** JSON text to a struct of the given shape, or NULL when the text is not JSON. */
  parseJson(expr: string, shape: JsonShape): string;
  /** Epoch milliseconds of an RFC 3339 timestamp string. */
  epochMs(expr: string): string;
  /** A number unique to each row of a query. */
  rowId(): string;
}

/** The shape of a JSON document, for `parseJson`: scalars by SQL type name, lists of structs, structs. */
export type JsonShape = 'string' | 'bigint' | 'double' | 'boolean' | { list: JsonShape } | { struct: ReadonlyArray<readonly [string, JsonShape]> };

const DUCKDB_TYPES = { string: 'VARCHAR', bigint: 'BIGINT', double: 'DOUBLE', boolean: 'BOOLEAN' } as const;
const SPARK_TYPES = { string: 'STRING', bigint: 'BIGINT', double: 'DOUBLE', boolean: 'BOOLEAN' } as const;

/** DuckDB's json_structure notation: `{"a":"VARCHAR","b":[{"c":"BIGINT"}]}`. */
function duckdbShape(s: JsonShape): unknown {
  if (typeof s === 'string') return DUCKDB_TYPES[s];
  if ('list' in s) return [duckdbShape(s.list)];
  return Object.fromEntries(s.struct.map(([k, v]) => [k, duckdbShape(v)]));
}

/** Spark's DDL notation: `STRUCT<a: STRING, b: ARRAY<STRUCT<c: BIGINT>>>` (names in backquotes). */
function sparkShape(s: JsonShape): string {
  if (typeof s === 'string') return SPARK_TYPES[s];
  if ('list' in s) return `ARRAY<${sparkShape(s.list)}>`;
  return `STRUCT<${s.struct.map(([k, v]) => `\`${k}\`: ${sparkShape(v)}`).join(', ')}>`;
}

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

export const DUCKDB: Dialect = {
  name: 'duckdb',
  table: (name, select) => [`CREATE OR REPLACE TEMP TABLE ${name} AS ${select}`],
  view: (name, select) => [`CREATE OR REPLACE TEMP VIEW ${name} AS ${select}`],
  distinctList: (expr) => `list(DISTINCT ${expr})`,
  concatLists: (expr) => `flatten(list(${expr}))`,
  distinctCountOver: (expr, window) => `count(DISTINCT ${expr}) OVER ${window}`,
  listLength: (expr) => `len(${expr})`,
  countWhere: (list, predicate) => `len(list_filter(${list}, x -> ${predicate}))`,
  explode: (list) => `unnest(${list})`,
  matches: (expr, regex) => `regexp_full_match(${expr}, ${quote(regex)})`,
  dotPart: (expr, n) => `split_part(${expr}, '.', ${n})`,
  byteLength: (expr) => `strlen(${expr})`,
  parseJson: (expr, shape) => `CASE WHEN json_valid(${expr}) THEN from_json(${expr}, ${quote(JSON.stringify(duckdbShape(shape)))}) END`,
  epochMs: (expr) => `epoch_ms(CAST(${expr} AS TIMESTAMPTZ))`,
  rowId: () => 'row_number() OVER ()',
};

export const SPARK: Dialect = {
  name: 'spark',
  // A temporary view that is cached: computed once, like DuckDB's temporary table.
  table: (name, select) => [`CREATE OR REPLACE TEMPORARY VIEW ${name} AS ${select}`, `CACHE TABLE ${name}`],
  view: (name, select) => [`CREATE OR REPLACE TEMPORARY VIEW ${name} AS ${select}`],
  distinctList: (expr) => `collect_set(${expr})`,
  concatLists: (expr) => `flatten(collect_list(${expr}))`,
  // Spark has no DISTINCT window aggregates; the size of the window's set is the same number.
  distinctCountOver: (expr, window) => `size(collect_set(${expr}) OVER ${window})`,
  listLength: (expr) => `size(${expr})`,
  countWhere: (list, predicate) => `size(filter(${list}, x -> ${predicate}))`,
  explode: (list) => `explode(${list})`,
  // Spark string literals treat backslashes as escapes: the regexes here have none.
  matches: (expr, regex) => `(${expr} RLIKE ${quote(`^(?:${regex})$`)})`,
  dotPart: (expr, n) => `split_part(${expr}, '.', ${n})`,
  byteLength: (expr) => `octet_length(${expr})`,
  parseJson: (expr, shape) => `from_json(${expr}, ${quote(sparkShape(shape))})`,
  epochMs: (expr) => `unix_millis(CAST(${expr} AS TIMESTAMP))`,
  rowId: () => 'monotonically_increasing_id()',
};

export const DIALECTS = { duckdb: DUCKDB, spark: SPARK } as const;
