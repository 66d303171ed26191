import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endOfLocalDay, localDay } from './clock.ts';

test('localDay counts days in the library time zone', () => {
  // 03:00 UTC is still the previous evening in Chicago.
  assert.equal(localDay(new Date('2026-03-02T03:00:00Z'), 'America/Chicago'), '2026-03-01');
  assert.equal(localDay(new Date('2026-03-02T03:00:00Z'), 'Europe/Berlin'), '2026-03-02');
});

test('endOfLocalDay is 23:59:59 local time, n days later, across a DST change', () => {
  const tz = 'America/Chicago';
  // 2026-03-08 is the US spring-forward day.
  const due = endOfLocalDay(new Date('2026-03-02T15:00:00Z'), tz, 21);
  assert.equal(due.toISOString(), '2026-03-24T04:59:59.000Z'); // CDT, UTC-5
  const before = endOfLocalDay(new Date('2026-03-02T15:00:00Z'), tz, 0);
  assert.equal(before.toISOString(), '2026-03-03T05:59:59.000Z'); // CST, UTC-6
  assert.equal(localDay(due, tz), '2026-03-23');
});

test('localDay agrees with Intl for any instant, across DST changes, in several zones', () => {
  for (const tz of ['America/Chicago', 'Europe/Berlin', 'Australia/Adelaide', 'Asia/Kathmandu', 'UTC']) {
    const fmt = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    let t = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 0; i < 3000; i++) {
      t += 2 * 3_600_000 + 7 * 60_000 + 13_000; // irregular steps land near every boundary
      assert.equal(localDay(new Date(t), tz), fmt.format(new Date(t)), `${tz} ${new Date(t).toISOString()}`);
    }
  }
});
