// Issue 13 part 1: the import graph of src/ has no cycle (type-only imports counted), and shared
// code (src/http, src/db, src/jobs, src/privacy, src/mail, src/auth, src/sip2) never imports a
// feature.
// Features reach shared code; the composition root (src/app/root.ts) is the one place that lists
// the features and wires them in. Issue 13 part 5: repositories (*.repository.ts) and src/db are
// the only application code that builds SQL.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const root = path.resolve(import.meta.dirname, '..');
const src = path.join(root, 'src');
const shared = ['http', 'db', 'jobs', 'privacy', 'mail', 'auth', 'sip2'].map(
  (d) => path.join(src, d) + path.sep,
);
const features = path.join(src, 'features') + path.sep;

interface Edge {
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (/\.tsx?$/.test(e.name) && !/\.d\.ts$/.test(e.name)) out.push(p);
  }
  return out;
}

const isTest = (file: string) => /\.test\.tsx?$/.test(file);
/** Data builders shared by tests (test-fixtures.ts, *.fixtures.ts): not application code. */
const isFixture = (file: string) =>
  /(^|[/\\])test-fixtures\.tsx?$|\.fixtures\.tsx?$|\.test-support\.tsx?$/.test(file);

/** Every relative import and re-export of `file`, resolved, and whether it brings in types only. */
function importsOf(file: string): Edge[] {
  const text = fs.readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const edges: Edge[] = [];
  const add = (spec: string, typeOnly: boolean) => {
    if (!spec.startsWith('.')) return;
    edges.push({ to: path.resolve(path.dirname(file), spec), typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const allNamedTypes =
        !!clause &&
        !clause.name &&
        !!bindings &&
        ts.isNamedImports(bindings) &&
        bindings.elements.length > 0 &&
        bindings.elements.every((e) => e.isTypeOnly);
      add(node.moduleSpecifier.text, !!clause && (clause.isTypeOnly || allNamedTypes));
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      add(node.arguments[0].text, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return edges;
}

const files = sourceFiles(src);
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const rel = (f: string) => path.relative(root, f);

/** Strongly connected components of more than one file (or a file importing itself): the cycles. */
function cycles(nodes: string[], next: (f: string) => string[]): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const strong = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || next(v).includes(v)) found.push(component.map(rel).sort());
    }
  };
  for (const n of nodes) if (!idx.has(n)) strong(n);
  return found;
}

test('every relative import in src/ names a file that exists', () => {
  const missing = [...graph].flatMap(([from, edges]) =>
    edges
      .filter((e) => e.to.startsWith(src + path.sep) && !graph.has(e.to))
      .map((e) => `${rel(from)} -> ${rel(e.to)}`),
  );
  assert.deepEqual(missing, []);
});

test('src/ has no import cycle (type-only imports included, as madge counts them)', () => {
  const program = files.filter((f) => !isTest(f));
  const inProgram = new Set(program);
  const found = cycles(program, (f) =>
    graph
      .get(f)!
      .map((e) => e.to)
      .filter((t) => inProgram.has(t)),
  );
  assert.deepEqual(found, [], `import cycles:\n${found.map((c) => c.join(' <-> ')).join('\n')}`);
});

test('shared code (http, db, jobs, privacy, mail, auth, sip2) imports nothing from src/features', () => {
  const offending = [...graph]
    .filter(([from]) => !isTest(from) && shared.some((d) => from.startsWith(d)))
    .flatMap(([from, edges]) =>
      edges
        .filter((e) => e.to.startsWith(features))
        .map((e) => `${rel(from)} -> ${rel(e.to)}${e.typeOnly ? ' (types)' : ''}`),
    );
  assert.deepEqual(offending, []);
});

/** Kysely query building: a query builder's entry points, or a raw `sql` template. */
const queryBuilding = /\.(?:selectFrom|insertInto|updateTable|deleteFrom)\(|\bsql(?:`|<)/;

/** Where `text` builds a query, as "line: code" lines. */
const queryLines = (text: string): string[] =>
  text
    .split('\n')
    .map((line, i) => `${i + 1}: ${line.trim()}`)
    .filter((line) => queryBuilding.test(line));

test('only repositories (*.repository.ts) and src/db build SQL (tests and test fixtures may)', () => {
  const db = path.join(src, 'db') + path.sep;
  const offending = files
    .filter((f) => !f.endsWith('.repository.ts') && !f.startsWith(db) && !isTest(f) && !isFixture(f))
    .flatMap((f) => queryLines(fs.readFileSync(f, 'utf8')).map((l) => `${rel(f)}:${l}`));
  assert.deepEqual(offending, [], `SQL outside a repository:\n${offending.join('\n')}`);
});

test('the SQL finder sees each kind of query building and nothing else', () => {
  const found = [
    "db.selectFrom('patrons')",
    '  .insertInto(t)',
    'trx.updateTable("items")',
    'qc.deleteFrom(x)',
    'sql`SELECT 1`',
    'sql<{ n: number }>`SELECT 1`',
  ];
  const notFound = [
    'selectFromCache(x)',
    "import { sql } from 'kysely';",
    'const mysql = 1;',
    'deleteFromList()',
  ];
  assert.deepEqual(
    found.filter((l) => !queryBuilding.test(l)),
    [],
  );
  assert.deepEqual(
    notFound.filter((l) => queryBuilding.test(l)),
    [],
  );
  assert.ok(isFixture(path.join(src, 'features', 'catalog', 'search', 'test-fixtures.ts')));
  assert.ok(!isFixture(path.join(src, 'features', 'catalog', 'catalog.service.ts')));
});

test('the cycle finder finds a cycle of two files and one through a self-import', () => {
  const next = (f: string) => ({ a: ['b'], b: ['a', 'c'], c: [], d: ['d'] })[f] ?? [];
  assert.deepEqual(
    cycles(['a', 'b', 'c', 'd'], next).map((c) => c.length),
    [2, 1],
  );
});

test('the checks above see real imports (a guard against a scanner that finds nothing)', () => {
  const app = graph.get(path.join(src, 'http', 'app.ts'));
  assert.ok(app && app.some((e) => e.to === path.join(src, 'http', 'security.ts')));
  assert.ok(graph.size > 100);
});

// One way to handle a form (issue 13 part 2): every POST handler of an HTML page goes through
// formAction — directly or through the feature's wrapper that calls it — with a schema (the type
// makes the schema required). The few POSTs that are not a person's form are named here, with why.
const notForms = new Map([
  ["'/stats/hit'", 'the statistics beacon: no form, no answer but 204'],
  ['/unsubscribe/:token', 'RFC 8058 one-click from a mail program; the signed token is the input'],
  ["'/staff/logout'", 'signing out: nothing typed and nothing to refuse'],
  ["'/account/logout'", 'signing out: nothing typed and nothing to refuse'],
]);
const formWrappers = ['formAction(', 'deskAction(', 'recordAction('];

/** Each `app.post(` of a route file with the text up to the next route registration. */
function postHandlers(text: string): string[] {
  const starts = [...text.matchAll(/\bapp\.(?:get|post|put|patch|delete|route)\(/g)].map((m) => m.index);
  return starts
    .map((start, i) => text.slice(start, starts[i + 1] ?? text.length))
    .filter((segment) => segment.startsWith('app.post('));
}

const pageRouteFiles = files.filter((f) => /\.routes\.tsx$/.test(f) && !isTest(f));

test('every HTML form POST goes through formAction (the one form helper)', () => {
  const missing: string[] = [];
  let seen = 0;
  for (const file of pageRouteFiles) {
    for (const handler of postHandlers(fs.readFileSync(file, 'utf8'))) {
      seen++;
      const head = handler.slice(0, 200);
      if ([...notForms.keys()].some((route) => head.includes(route))) continue;
      if (head.includes("'/api/")) continue; // the JSON API parses its bodies with parseInput
      if (!formWrappers.some((w) => handler.includes(w)))
        missing.push(`${rel(file)}: ${head.split('\n')[0]}`);
    }
  }
  assert.ok(seen > 30, `found only ${seen} POST handlers: the scanner is broken`);
  assert.deepEqual(missing, []);
  // The wrappers themselves call formAction.
  for (const file of files.filter((f) => !isTest(f))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const w of ['deskAction', 'recordAction']) {
      const def = text.match(new RegExp(`(?:function|const) ${w}\\b[\\s\\S]{0,1500}`));
      if (def) assert.ok(def[0].includes('formAction('), `${rel(file)}: ${w} must call formAction`);
    }
  }
});

test('the form check finds a POST handler that skips formAction', () => {
  const text = `app.get('/a', h);\napp.post('/b', async (r) => { await save(r.body); });\napp.post('/c', (r, s) => formAction(r, s, { schema }, go));`;
  const handlers = postHandlers(text);
  assert.equal(handlers.length, 2);
  assert.equal(handlers.filter((h) => !formWrappers.some((w) => h.includes(w))).length, 1);
});
