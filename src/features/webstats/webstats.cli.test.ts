// `carrel stats import-log` echoes file names: shown escaped, never as raw control bytes (issue 12
// item 12).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLogSummary } from './webstats.cli.ts';

test('the log summary shows a file name with control characters as visible escapes', () => {
  const file = '/var/log/\x1b]0;pwned\x07access\u202e.log';
  const base = { file, lines: 3, counted: 1, ignored: 1, malformed: 1, malformedLines: [2], durationMs: 5 };
  for (const status of ['imported', 'already-imported'] as const) {
    const text = formatLogSummary({ ...base, status });
    assert.doesNotMatch(text, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]/);
    assert.ok(text.startsWith('/var/log/\\x1b]0;pwned\\x07access\\u202e.log: '), text);
  }
});
