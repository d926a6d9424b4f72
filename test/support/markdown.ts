import MarkdownIt = require('markdown-it');

/**
 * Checks that Markdown meant for GitHub renders: markdown-it (a CommonMark parser with GitHub-style tables) finds the
 * tables and fenced blocks, and Mermaid's own parser (the `mermaid` package, in Node with jsdom standing in for the
 * browser DOM that its DOMPurify needs at load time) accepts each Mermaid block and hands back its flowchart graph.
 */

export interface MarkdownTable {
  header: string[];
  rows: string[][];
}

export interface ParsedMarkdown {
  tables: MarkdownTable[];
  /** Fenced blocks by info string (`mermaid`), in document order. */
  fences: Array<{ info: string; content: string }>;
  /** Raw HTML blocks (e.g. `<details>`), trimmed. */
  htmlBlocks: string[];
  /** The text of every heading and paragraph, in order. */
  texts: string[];
}

type Token = MarkdownIt.Token;

export function parseMarkdown(text: string): ParsedMarkdown {
  const tokens = new MarkdownIt({ html: true }).parse(text, {});
  const out: ParsedMarkdown = { tables: [], fences: [], htmlBlocks: [], texts: [] };
  let table: MarkdownTable | undefined;
  let row: string[] | undefined;
  let inHead = false;
  let cell = false;
  let block = false;
  tokens.forEach((t: Token) => {
    switch (t.type) {
      case 'table_open':
        table = { header: [], rows: [] };
        break;
      case 'table_close':
        out.tables.push(table!);
        table = undefined;
        break;
      case 'thead_open':
        inHead = true;
        break;
      case 'thead_close':
        inHead = false;
        break;
      case 'tr_open':
        row = [];
        break;
      case 'tr_close':
        if (inHead) table!.header = row!;
        else table!.rows.push(row!);
        row = undefined;
        break;
      case 'th_open':
      case 'td_open':
        cell = true;
        break;
      case 'th_close':
      case 'td_close':
        cell = false;
        break;
      case 'heading_open':
      case 'paragraph_open':
        block = true;
        break;
      case 'heading_close':
      case 'paragraph_close':
        block = false;
        break;
      case 'inline':
        if (cell && row) row.push(plainText(t));
        else if (block) out.texts.push(plainText(t));
        break;
      case 'fence':
        out.fences.push({ info: t.info.trim(), content: t.content });
        break;
      case 'html_block':
        out.htmlBlocks.push(t.content.trim());
        break;
      default:
        break;
    }
  });
  return out;
}

/** An inline token's text as a reader sees it: escapes resolved, code spans kept as their text. */
function plainText(t: Token): string {
  return (t.children ?? []).map((c: Token) => (c.type === 'softbreak' || c.type === 'hardbreak' ? '\n' : c.content)).join('');
}

type Mermaid = (typeof import('mermaid'))['default'];

let mermaidInstance: Mermaid | undefined;

/** Loads the `mermaid` package once, with a jsdom window present while it loads (DOMPurify binds to it then). */
export function mermaid(): Mermaid {
  if (!mermaidInstance) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    // Typed here: jsdom's own types pull the DOM lib into the whole build.
    const { JSDOM } = require('jsdom') as { JSDOM: new (html: string) => { window: { document: unknown } } };
    const dom = new JSDOM('<!doctype html><html><body></body></html>');
    const g = globalThis as Record<string, unknown>;
    const had = { window: g.window, document: g.document };
    g.window = dom.window;
    g.document = dom.window.document;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mermaidInstance = (require('mermaid') as typeof import('mermaid')).default;
    } finally {
      // Other tests in this process must not see a browser.
      if (had.window === undefined) delete g.window;
      else g.window = had.window;
      if (had.document === undefined) delete g.document;
      else g.document = had.document;
    }
  }
  return mermaidInstance;
}

export interface FlowchartGraph {
  diagramType: string;
  vertices: Array<{ id: string; text: string; classes: string[] }>;
  edges: Array<{ start: string; end: string }>;
  /** classDef name → its style declarations. */
  classDefs: Map<string, string[]>;
  subgraphs: Array<{ id: string; title: string; nodes: string[] }>;
}

/**
 * Parses a Mermaid flowchart with Mermaid's own parser (`mermaid.parse` rejects a syntax error) and reads the graph
 * Mermaid built from it: vertices with their label text and classes, edges, classDefs, subgraphs.
 */
export async function parseFlowchart(text: string): Promise<FlowchartGraph> {
  const m = mermaid();
  const result = await m.parse(text);
  if (!result) throw new Error('mermaid.parse returned false');
  const diagram = await m.mermaidAPI.getDiagramFromText(text);
  // The flowchart database's getters (Mermaid's FlowDB); typed loosely since Mermaid does not export its type.
  const db = diagram.db as unknown as {
    getVertices(): Map<string, { id: string; text?: string; classes: string[] }>;
    getEdges(): Array<{ start: string; end: string }>;
    getClasses(): Map<string, { styles: string[] }>;
    getSubGraphs(): Array<{ id: string; title: string; nodes: string[] }>;
  };
  return {
    diagramType: result.diagramType,
    vertices: [...db.getVertices().values()].map((v) => ({ id: v.id, text: v.text ?? v.id, classes: [...v.classes] })),
    edges: db.getEdges().map((e) => ({ start: e.start, end: e.end })),
    classDefs: new Map([...db.getClasses()].map(([k, v]) => [k, [...v.styles]])),
    subgraphs: db.getSubGraphs().map((s) => ({ id: s.id, title: s.title, nodes: [...s.nodes] })),
  };
}
