import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endOfLocalDay, isCalendarDay, localDay, startOfLocalDay } from './clock.ts';

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

test('a chosen day starts at local midnight west and east of UTC, also on days the clocks change (issue 12 item 14)', async () => {
  const { startOfDayIso } = await import('./features/patrons/patron.ts');
  const days = ['2027-01-15', '2026-03-08', '2026-11-01', '2026-04-05', '2026-09-27', '2026-12-31'];
  for (const tz of ['America/Chicago', 'Pacific/Auckland', 'America/Santiago', 'Asia/Kathmandu', 'UTC'])
    for (const day of days) {
      const start = Date.parse(startOfDayIso(day, tz));
      assert.equal(localDay(new Date(start), tz), day, `${day} in ${tz} starts on that day`);
      assert.notEqual(
        localDay(new Date(start - 1), tz),
        day,
        `${day} in ${tz}: a moment earlier is the day before`,
      );
      assert.equal(startOfLocalDay(day, tz).getTime(), start);
    }
  assert.equal(startOfLocalDay('2027-01-15', 'America/Chicago').toISOString(), '2027-01-15T06:00:00.000Z');
  assert.equal(startOfLocalDay('2027-01-15', 'Pacific/Auckland').toISOString(), '2027-01-14T11:00:00.000Z');
  // New Zealand's clocks go forward at 02:00 on 2026-09-27: that day still starts at 00:00 NZST.
  assert.equal(startOfLocalDay('2026-09-27', 'Pacific/Auckland').toISOString(), '2026-09-26T12:00:00.000Z');
});

test('isCalendarDay takes only real days written YYYY-MM-DD', () => {
  for (const ok of ['2027-01-15', '2028-02-29']) assert.equal(isCalendarDay(ok), true, ok);
  for (const bad of ['2027-02-29', '2026-13-01', '2026-02-30', '2026-1-5', '15/01/2027', ''])
    assert.equal(isCalendarDay(bad), false, bad);
});
