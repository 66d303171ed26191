import assert from 'node:assert/strict';
import { test } from 'node:test';
import { suppressedText } from './suppress.ts';

test('counts from 1 to k are never shown; zero and larger counts are (G7)', () => {
  assert.equal(suppressedText(0, 5), '0');
  for (let n = 1; n <= 5; n++) assert.equal(suppressedText(n, 5), '5 or fewer');
  assert.equal(suppressedText(6, 5), '6');
  assert.equal(suppressedText(1, 1), '1 or fewer');
});
