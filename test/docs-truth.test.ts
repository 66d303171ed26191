// The documentation may not promise more than the code keeps (issue 13 part 5): its links stay
// inside the repository and lead somewhere, and every privacy promise that docs/privacy-promises.md
// says is built is cited, by id, by at least one test (public computers, P1–P3, since issue 14).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(import.meta.dirname, '..');

function files(dir: string, keep: (name: string) => boolean): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name.startsWith('.') ? [] : files(rel, keep);
    return keep(e.name) ? [rel] : [];
  });
}

const markdown = ['README.md', ...files('docs', (n) => n.endsWith('.md')), 'bench/README.md'];

test('every relative link in the README and docs stays inside the repository and leads to a file', () => {
  for (const file of markdown) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:|^#/i.test(target!)) continue;
      const resolved = path.resolve(root, path.dirname(file), target!.replace(/#.*$/, ''));
      assert.ok(
        resolved === root || resolved.startsWith(root + path.sep),
        `${file} links outside the repository: ${target}`,
      );
      assert.ok(fs.existsSync(resolved), `${file} links to ${target}, which does not exist`);
    }
    assert.ok(!text.includes('../shared/'), `${file} points at ../shared, outside the repository`);
  }
});

/** The ids a text cites, ranges such as "W1–W4" or "A1-A6" expanded. */
function citedIds(text: string): Set<string> {
  const ids = new Set<string>();
  for (const [, letter, from, to] of text.matchAll(/\b([GCAWRNPL])(\d)(?:\s*[–-]\s*\1?(\d))?\b/g))
    for (let n = Number(from); n <= Number(to ?? from); n++) ids.add(`${letter}${n}`);
  return ids;
}

test('every promise docs/privacy-promises.md calls built is cited by a test; L is marked not built', () => {
  const promises = fs.readFileSync(path.join(root, 'docs', 'privacy-promises.md'), 'utf8');
  const declared = [...promises.matchAll(/^- \*\*([A-Z]\d)\b/gm)].map((m) => m[1]!);
  assert.equal(declared.length, 36, `36 promises, G1…L6: ${declared.join(' ')}`);
  assert.match(promises, /^## Public computers$/m);
  assert.match(promises, /## Law-enforcement requests — planned, not built/);
  const built = declared.filter((id) => !/^L/.test(id));
  for (const id of ['P1', 'P2', 'P3']) assert.ok(built.includes(id), `${id} is built`);
  const cited = new Set<string>();
  for (const file of files('src', (n) => n.endsWith('.test.ts')).concat(
    files('test', (n) => n.endsWith('.test.ts')),
  ))
    for (const id of citedIds(fs.readFileSync(path.join(root, file), 'utf8'))) cited.add(id);
  const untested = built.filter((id) => !cited.has(id));
  assert.deepEqual(untested, [], `built promises no test cites: ${untested.join(', ')}`);
});
