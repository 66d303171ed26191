import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newId } from './ids.ts';

test('ids are RFC 9562 version-7 UUIDs that sort by creation time', () => {
  const a = newId(Date.parse('2026-01-01T00:00:00Z'));
  const b = newId(Date.parse('2026-01-01T00:00:00.001Z'));
  for (const id of [a, b, newId()])
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.ok(a < b);
  assert.equal(parseInt(a.replace(/-/g, '').slice(0, 12), 16), Date.parse('2026-01-01T00:00:00Z'));
  assert.notEqual(newId(5), newId(5), 'the random part differs within one millisecond');
});

test('ids made one after another sort one after another, also within one millisecond', () => {
  const ids = Array.from({ length: 5000 }, () => newId());
  assert.deepEqual([...ids].sort(), ids);
  const t = Date.now();
  const same = Array.from({ length: 100 }, () => newId(t));
  assert.deepEqual([...same].sort(), same);
  for (const id of same)
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
