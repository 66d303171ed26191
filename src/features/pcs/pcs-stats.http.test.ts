// Public-computer statistics over HTTP on both databases (issue 14 item 7; G7): small counts
// suppressed in the page and the CSV, minutes and waits hidden beside a suppressed count, per day
// and per hour, bad dates re-shown kindly, and only pc-staff and administrators let in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '../../../test/support/env.ts';
import { Browser, signedInStaff, useTestApp } from '../../../test/support/http.ts';
import { addRefusal, addStats, setWaitStats } from './pcs-queue.repository.ts';
import { makeGroup } from './pcs.test-support.ts';

describeEachDialect('public computers: statistics pages', (env) => {
  const app = useTestApp(env);

  test('counts from 1 to k are suppressed on the page and in the CSV, with their minutes and waits', async () => {
    const { ctx } = env();
    const busy = await makeGroup(ctx, 1, { name: 'Internet' });
    const quiet = await makeGroup(ctx, 1, { name: 'Children' });
    const day = '2026-02-20';
    await addStats(ctx.db, {
      day,
      hour: 14,
      branch: 'MAIN',
      group_id: busy.groupId,
      sessions: 12,
      minutes_used: 611,
    });
    await setWaitStats(ctx.db, {
      day,
      hour: 14,
      branch: 'MAIN',
      group_id: busy.groupId,
      waits: 7,
      median: 420,
      longest: 1333,
    });
    await addStats(ctx.db, {
      day,
      hour: 15,
      branch: 'MAIN',
      group_id: quiet.groupId,
      sessions: 2,
      minutes_used: 97,
    });
    await setWaitStats(ctx.db, {
      day,
      hour: 15,
      branch: 'MAIN',
      group_id: quiet.groupId,
      waits: 2,
      median: 300,
      longest: 4441,
    });
    for (let i = 0; i < 3; i++)
      await addRefusal(ctx.db, { day, hour: 15, branch: 'MAIN', group_id: quiet.groupId, reason: 'NO_TIME' });

    const { browser } = await signedInStaff(env(), app(), ['pc-staff']);
    const page = await browser.get(`/staff/pcs/stats?from=${day}&to=${day}`);
    assert.equal(page.statusCode, 200);
    const html = page.body;
    assert.match(
      html,
      /<td>Internet<\/td><td>2026-02-20<\/td><td>12<\/td><td>0<\/td><td>611<\/td><td>0<\/td><td>7<\/td><td>7.0<\/td><td>22.2<\/td>/,
    );
    assert.match(
      html,
      /<td>Children<\/td><td>2026-02-20<\/td><td>5 or fewer<\/td><td>0<\/td><td>hidden<\/td><td>0<\/td><td>5 or fewer<\/td><td>hidden<\/td><td>hidden<\/td>/,
    );
    assert.ok(
      !html.includes('>97<') && !html.includes('74.0'),
      'hidden minutes and waits are not in the page',
    );
    assert.match(html, /No time left today<\/td><td>5 or fewer/);
    assert.match(html, /<svg/, 'a chart');
    assert.doesNotMatch(html, />14</, 'no sum that would give the suppressed row away');
    // The day's bar sums the shown group only, and says so instead of passing 12 off as the whole.
    assert.match(html, /<th scope="row">2026-02-20 \*<\/th>/);
    assert.match(html, /A \* marks a day that leaves out groups with 5 or fewer sessions/);

    const csv = await browser.get(`/staff/pcs/stats.csv?from=${day}&to=${day}`);
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    assert.match(csv.body, /Children,2026-02-20,sessions,5 or fewer\r/);
    assert.match(csv.body, /Children,2026-02-20,minutes_used,hidden\r/);
    assert.match(csv.body, /Children,2026-02-20,longest_wait_seconds,hidden\r/);
    assert.match(csv.body, /Internet,2026-02-20,minutes_used,611\r/);
    assert.ok(!csv.body.includes(',97\r') && !csv.body.includes('4441'), 'hidden values are not in the CSV');
    assert.match(csv.body, /refused: No time left today,5 or fewer\r/);

    const hourly = await browser.get(`/staff/pcs/stats?from=${day}&to=${day}&by=hour`);
    assert.match(hourly.body, /<td>Internet<\/td><td>14:00<\/td><td>12<\/td>/);
  });

  test('a wrong range is re-shown with a message; other staff and visitors are turned away', async () => {
    const { browser } = await signedInStaff(env(), app(), ['pc-staff']);
    const bad = await browser.get('/staff/pcs/stats?from=2026-03-05&to=2026-03-01');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /The end must not be before the start\./);
    assert.ok(bad.body.includes('value="2026-03-05"'), 'what was typed is kept');
    const typo = await browser.get('/staff/pcs/stats?from=yesterday');
    assert.equal(typo.statusCode, 400);
    assert.match(typo.body, /Use YYYY-MM-DD\./);
    const csvBad = await browser.get('/staff/pcs/stats.csv?from=yesterday');
    assert.equal(csvBad.statusCode, 400);
    assert.doesNotMatch(csvBad.body, /at .*\.ts:\d+/);

    const admin = await signedInStaff(env(), app(), ['admin']);
    assert.equal((await admin.browser.get('/staff/pcs/stats')).statusCode, 200);
    const desk = await signedInStaff(env(), app(), ['circulation']);
    assert.equal((await desk.browser.get('/staff/pcs/stats')).statusCode, 403);
    assert.equal((await desk.browser.get('/staff/pcs/stats.csv')).statusCode, 403);
    const visitor = new Browser(app());
    const out = await visitor.get('/staff/pcs/stats.csv');
    assert.equal(out.statusCode, 303);
    assert.equal(out.headers.location, '/staff/login');
  });
});
