// The desk, the hold shelf and the patron's loan/hold/history pages over real HTTP (in-process),
// on both databases: forms work without JavaScript, refusals keep what was typed, the shelf shows
// no names, staff views are logged, and the JSON API does the same as the forms.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashSecret } from '../../auth/passwords.ts';
import { DAY } from '../../clock.ts';
import { formatDate } from '../../http/form-parts.tsx';
import { describeEachDialect, type TestEnv } from '../../../test/support/env.ts';
import { addItem, addPatron, addRecord } from '../../../test/support/circulation-fixtures.ts';
import { Browser, csrfTokenOf, signedInStaff, useTestApp } from '../../../test/support/http.ts';
import type { App } from '../../http/types.ts';

const PIN = '482916';

async function patronWithPin(env: TestEnv, opts: Parameters<typeof addPatron>[1] = {}) {
  const p = await addPatron(env.ctx, opts);
  await env.ctx.db
    .updateTable('patrons')
    .set({ pin_hash: await hashSecret(PIN) })
    .where('id', '=', p.id)
    .execute();
  return p;
}

/** Opens a patron at the desk the way the page does: the card (or the id) is posted, never in a URL. */
async function openAtDesk(desk: Browser, who: { card?: string; patron?: string }) {
  const page = await desk.get('/staff/desk?branch=MAIN');
  const res = await desk.request('POST', '/staff/desk/patron', {
    form: {
      _csrf: csrfTokenOf(page.body),
      branch: 'MAIN',
      ...(who.card ? { card: who.card } : {}),
      ...(who.patron ? { patron: who.patron } : {}),
    },
  });
  assert.equal(res.statusCode, 303, res.body.slice(0, 300));
  assert.equal(res.headers.location, '/staff/desk?branch=MAIN');
  return desk.get('/staff/desk?branch=MAIN');
}

async function signedInPatron(app: App, cardNumber: string): Promise<Browser> {
  const b = new Browser(app);
  const res = await b.submit('/account/login', '/account/login', { cardNumber, pin: PIN });
  assert.equal(res.statusCode, 303, res.body.slice(0, 300));
  return b;
}

/** Every distinct error text on a page: the summary's heading and links, and the fields' messages. */
function errorTexts(html: string): string[] {
  const texts = new Set<string>();
  const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
  for (const m of summary.matchAll(/<(?:h2|a)\b[^>]*>([^<]+)</g)) texts.add(m[1]!.trim());
  for (const m of html.matchAll(
    /<p class="error" id="[^"]+"><span class="visually-hidden">Error: <\/span>([^<]+)</g,
  ))
    texts.add(m[1]!.trim());
  return [...texts];
}

describeEachDialect('circulation over HTTP', (env) => {
  const app = useTestApp(env);

  test('desk: open a patron by card, check out, see the loan, check in elsewhere, told where it goes', async () => {
    const e = env();
    const { browser: desk } = await signedInStaff(e, app(), ['circulation']);
    const rec = await addRecord(e.ctx, { title: 'The Desk Test Novel' });
    const item = await addItem(e.ctx, rec.id, { branch: 'MAIN' });
    const p = await patronWithPin(e, { name: 'Desk Testpatron' });

    const page = await openAtDesk(desk, { card: p.cardNumber });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Desk Testpatron/);
    const log = await e.ctx.db
      .selectFrom('patron_access_log')
      .selectAll()
      .where('patron_id', '=', p.id)
      .execute();
    assert.ok(log.length >= 1 && log.every((l) => l.purpose === 'circulation'), 'opening a patron is logged');

    const out = await desk.request('POST', '/staff/desk/checkout', {
      form: { _csrf: csrfTokenOf(page.body), branch: 'MAIN', patron: p.id, barcode: item.barcode },
    });
    assert.equal(out.statusCode, 303);
    assert.equal(out.headers.location, '/staff/desk?branch=MAIN');
    const after = await desk.get(out.headers.location as string);
    assert.match(after.body, /Checked out: The Desk Test Novel/);
    assert.match(after.body, /Desk Testpatron/, 'the patron stays open at the desk');
    const reload = await desk.get('/staff/desk?branch=MAIN');
    assert.doesNotMatch(reload.body, /Checked out: /, 'the message shows once');
    assert.match(after.body, new RegExp(item.barcode));

    // A refused check-out re-renders with the barcode still typed and a clear message.
    const again = await desk.request('POST', '/staff/desk/checkout', {
      form: { _csrf: csrfTokenOf(after.body), branch: 'MAIN', patron: p.id, barcode: item.barcode },
    });
    assert.equal(again.statusCode, 400);
    assert.match(again.body, /Renew it instead/);
    assert.match(again.body, new RegExp(`value="${item.barcode}"`));

    const back = await desk.request('POST', '/staff/desk/checkin', {
      form: { _csrf: csrfTokenOf(again.body), branch: 'EAST', checkin_barcode: item.barcode },
    });
    assert.equal(back.statusCode, 200);
    assert.match(back.body, /Send it home to Main Library/);
    assert.equal((await e.ctx.db.selectFrom('loans').selectAll().execute()).length, 0);
    const unknown = await desk.request('POST', '/staff/desk/checkin', {
      form: { _csrf: csrfTokenOf(back.body), branch: 'MAIN', checkin_barcode: 'NO-SUCH' },
    });
    assert.equal(unknown.statusCode, 404);
    assert.match(unknown.body, /No item has the barcode NO-SUCH/);
    await desk.request('POST', '/staff/desk/checkin', {
      form: { _csrf: csrfTokenOf(unknown.body), branch: 'MAIN', checkin_barcode: item.barcode },
    });
  });

  test('a refused check-out shows one message, not two (issue 12 item 16)', async () => {
    const e = env();
    const { browser: desk } = await signedInStaff(e, app(), ['circulation']);
    const rec = await addRecord(e.ctx, { title: 'Twice Refused' });
    const item = await addItem(e.ctx, rec.id, { branch: 'MAIN' });
    const holder = await patronWithPin(e);
    const other = await patronWithPin(e);
    const page = await desk.get('/staff/desk?branch=MAIN');
    const out = await desk.request('POST', '/staff/desk/checkout', {
      form: { _csrf: csrfTokenOf(page.body), branch: 'MAIN', patron: holder.id, barcode: item.barcode },
    });
    assert.equal(out.statusCode, 303);
    for (const [patron, expected] of [
      [other, 'This item is checked out to someone else. Check it in first.'],
      [holder, 'This patron already has this item checked out. Renew it instead.'],
    ] as const) {
      const refused = await desk.request('POST', '/staff/desk/checkout', {
        form: { _csrf: csrfTokenOf(page.body), branch: 'MAIN', patron: patron.id, barcode: item.barcode },
      });
      assert.equal(refused.statusCode, 400);
      assert.deepEqual(errorTexts(refused.body), [expected]);
    }
  });

  test('patron: place a hold from the record link, see the place in line, item caught, shelf shows only a code', async () => {
    const e = env();
    const { browser: desk } = await signedInStaff(e, app(), ['circulation']);
    const rec = await addRecord(e.ctx, { title: 'A Much Wanted Book' });
    const item = await addItem(e.ctx, rec.id, { branch: 'MAIN' });
    const borrower = await patronWithPin(e);
    const waiting = await patronWithPin(e, { name: 'Wanda Waitinglist' });
    const pb = await signedInPatron(app(), waiting.cardNumber);

    // Signed-out visitors are sent to sign in and come back.
    const anon = await new Browser(app()).get(`/account/holds/new?record=${rec.id}`);
    assert.equal(anon.statusCode, 303);
    assert.match(String(anon.headers.location), /^\/account\/login\?next=/);

    const deskPage = await openAtDesk(desk, { patron: borrower.id });
    await desk.request('POST', '/staff/desk/checkout', {
      form: { _csrf: csrfTokenOf(deskPage.body), branch: 'MAIN', patron: borrower.id, barcode: item.barcode },
    });

    const form = await pb.get(`/account/holds/new?record=${rec.id}`);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /A Much Wanted Book/);
    const noBranch = await pb.request('POST', '/account/holds', {
      form: { _csrf: csrfTokenOf(form.body), record: rec.id, pickupBranch: '' },
    });
    assert.equal(noBranch.statusCode, 400);
    assert.match(noBranch.body, /Choose where you will pick it up/);
    const placed = await pb.request('POST', '/account/holds', {
      form: { _csrf: csrfTokenOf(form.body), record: rec.id, pickupBranch: 'MAIN' },
    });
    assert.equal(placed.statusCode, 303);
    assert.equal(placed.headers.location, '/account/holds');
    const list = await pb.get('/account/holds');
    assert.match(list.body, /Your hold is placed/);
    assert.match(list.body, /<td>1<\/td>/, 'first in line');
    // Pause and resume through the API while it waits.
    const waitingId = (
      JSON.parse((await pb.get('/api/v1/account/holds')).body) as { holds: Array<{ id: string }> }
    ).holds[0]!.id;
    const apiHeaders = { 'content-type': 'application/json', 'x-csrf-token': csrfTokenOf(list.body) };
    const paused = await pb.request('POST', `/api/v1/account/holds/${waitingId}/suspend`, {
      payload: JSON.stringify({ until: '2026-03-20' }),
      headers: apiHeaders,
    });
    assert.equal(paused.statusCode, 204, paused.body);
    assert.match((await pb.get('/account/holds')).body, /Paused until/);
    const resumed = await pb.request('POST', `/api/v1/account/holds/${waitingId}/resume`, {
      headers: apiHeaders,
      payload: '{}',
    });
    assert.equal(resumed.statusCode, 204, resumed.body);

    const back = await desk.request('POST', '/staff/desk/checkin', {
      form: { _csrf: csrfTokenOf(deskPage.body), branch: 'MAIN', checkin_barcode: item.barcode },
    });
    const code = /pickup code ([A-Z0-9]{5})/.exec(back.body)?.[1];
    assert.ok(code, 'check-in names the pickup code');
    const mine = await pb.get('/account/holds');
    assert.match(mine.body, new RegExp(`pickup code <strong>${code}</strong>`));
    const shelf = await desk.get('/staff/holds?branch=MAIN');
    assert.match(shelf.body, new RegExp(code!));
    assert.match(shelf.body, /A Much Wanted Book/);
    assert.doesNotMatch(shelf.body, /Wanda|Waitinglist/);
    assert.ok(!shelf.body.includes(waiting.cardNumber));

    // The API shows the same hold; a caught hold cannot be paused; the patron cancels it there.
    const api = await pb.get('/api/v1/account/holds');
    const hold = (
      JSON.parse(api.body) as { holds: Array<{ id: string; status: string; pickupCode: string }> }
    ).holds[0]!;
    assert.equal(hold.status, 'ready');
    assert.equal(hold.pickupCode, code);
    const pause = await pb.request('POST', `/api/v1/account/holds/${hold.id}/suspend`, {
      payload: JSON.stringify({ until: '2026-04-01' }),
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrfTokenOf(mine.body) },
    });
    assert.equal(pause.statusCode, 409);
    assert.match(pause.body, /already been set aside/);
    const del = await pb.request('DELETE', `/api/v1/account/holds/${hold.id}`, {
      headers: { 'x-csrf-token': csrfTokenOf(mine.body) },
    });
    assert.equal(del.statusCode, 204);
    assert.equal((await e.ctx.db.selectFrom('holds').selectAll().execute()).length, 0);
  });

  test('patron: loans with renewal, reading history opt-in and opt-out', async () => {
    const e = env();
    let { browser: desk } = await signedInStaff(e, app(), ['circulation']);
    const rec = await addRecord(e.ctx, { title: 'Renewable Stories' });
    const item = await addItem(e.ctx, rec.id);
    const p = await patronWithPin(e);
    let pb = await signedInPatron(app(), p.cardNumber);

    const hist = await pb.get('/account/history');
    assert.match(hist.body, /Reading history is <strong>off<\/strong>/);
    const on = await pb.request('POST', '/account/history/settings', {
      form: { _csrf: csrfTokenOf(hist.body), keep: 'on' },
    });
    assert.equal(on.statusCode, 303);

    let deskPage = await openAtDesk(desk, { patron: p.id });
    await desk.request('POST', '/staff/desk/checkout', {
      form: { _csrf: csrfTokenOf(deskPage.body), branch: 'MAIN', patron: p.id, barcode: item.barcode },
    });
    // A renewal on the day of check-out would gain nothing (issue 12 item 13): renew days later,
    // signed in again.
    e.clock.advance(3 * DAY);
    pb = await signedInPatron(app(), p.cardNumber);
    ({ browser: desk } = await signedInStaff(e, app(), ['circulation']));
    deskPage = await openAtDesk(desk, { patron: p.id });
    const loans = await pb.get('/account/loans');
    assert.match(loans.body, /Renewable Stories/);
    const loanId = /\/account\/loans\/([^/]+)\/renew/.exec(loans.body)?.[1];
    const renewed = await pb.request('POST', `/account/loans/${loanId}/renew`, {
      form: { _csrf: csrfTokenOf(loans.body) },
    });
    assert.equal(renewed.statusCode, 303);
    // Staff desk never lists past loans: after check-in the desk shows no title for this patron.
    await desk.request('POST', '/staff/desk/checkin', {
      form: { _csrf: csrfTokenOf(deskPage.body), branch: 'MAIN', checkin_barcode: item.barcode },
    });
    const deskAfter = await desk.get('/staff/desk?branch=MAIN');
    assert.match(deskAfter.body, /No items out/);
    assert.doesNotMatch(deskAfter.body, /Renewable Stories/);

    const withEntry = await pb.get('/account/history');
    assert.match(withEntry.body, /Renewable Stories/);
    const off = await pb.request('POST', '/account/history/settings', {
      form: { _csrf: csrfTokenOf(withEntry.body), keep: 'off' },
    });
    assert.equal(off.statusCode, 303);
    const gone = await pb.get('/account/history');
    assert.doesNotMatch(gone.body, /Renewable Stories/);
    assert.equal(
      (await e.ctx.db.selectFrom('reading_history').selectAll().where('patron_id', '=', p.id).execute())
        .length,
      0,
    );
  });

  test('a renewal that gains no time is refused with the reason on the loans page, at the desk and in the API (issue 12 item 13)', async () => {
    const e = env();
    const { browser: desk } = await signedInStaff(e, app(), ['circulation']);
    const rec = await addRecord(e.ctx, { title: 'Already Due Late' });
    const item = await addItem(e.ctx, rec.id);
    const p = await patronWithPin(e);
    const pb = await signedInPatron(app(), p.cardNumber);
    const deskPage = await openAtDesk(desk, { patron: p.id });
    await desk.request('POST', '/staff/desk/checkout', {
      form: { _csrf: csrfTokenOf(deskPage.body), branch: 'MAIN', patron: p.id, barcode: item.barcode },
    });
    const loan = async () =>
      e.ctx.db
        .selectFrom('loans')
        .select(['id', 'due_at', 'renewals'])
        .where('patron_id', '=', p.id)
        .executeTakeFirstOrThrow();
    const before = await loan();
    const due = formatDate(before.due_at, e.config.library.timezone);
    const reason = new RegExp(
      `already due on ${due}, as late as a renewal today would make it\\. Nothing was changed`,
    );

    const loans = await pb.get('/account/loans');
    const mine = await pb.request('POST', `/account/loans/${before.id}/renew`, {
      form: { _csrf: csrfTokenOf(loans.body) },
    });
    assert.equal(mine.statusCode, 409);
    assert.match(mine.body, reason);
    assert.doesNotMatch(mine.body, /Renewed\. The new due date/);

    const atDesk = await openAtDesk(desk, { patron: p.id });
    const staff = await desk.request('POST', '/staff/desk/renew', {
      form: { _csrf: csrfTokenOf(atDesk.body), branch: 'MAIN', patron: p.id, loan: before.id },
    });
    assert.equal(staff.statusCode, 409);
    assert.match(staff.body, reason);
    assert.doesNotMatch(staff.body, /Renewed until/);

    const api = await pb.request('POST', `/api/v1/account/loans/${before.id}/renew`, {
      headers: { 'x-csrf-token': csrfTokenOf(loans.body) },
    });
    assert.equal(api.statusCode, 409);
    assert.match(api.body, reason);

    assert.deepEqual(await loan(), before, 'the due date did not move and no renewal was used up');
    await desk.request('POST', '/staff/desk/checkin', {
      form: { _csrf: csrfTokenOf(atDesk.body), branch: 'MAIN', checkin_barcode: item.barcode },
    });
  });

  test('API: check-out and check-in by card number; roles enforced', async () => {
    const e = env();
    const { browser: desk } = await signedInStaff(e, app(), ['circulation']);
    const { browser: web } = await signedInStaff(e, app(), ['webmaster']);
    const rec = await addRecord(e.ctx);
    const item = await addItem(e.ctx, rec.id);
    const p = await patronWithPin(e);
    const token = csrfTokenOf((await desk.get('/staff/desk?branch=MAIN')).body);
    const json = (body: unknown) => ({
      payload: JSON.stringify(body),
      headers: { 'content-type': 'application/json', 'x-csrf-token': token },
    });
    const out = await desk.request(
      'POST',
      '/api/v1/staff/circulation/checkout',
      json({ cardNumber: p.cardNumber, barcode: item.barcode, branch: 'MAIN' }),
    );
    assert.equal(out.statusCode, 200, out.body);
    assert.ok((JSON.parse(out.body) as { dueAt: string }).dueAt);
    const logged = await e.ctx.db
      .selectFrom('patron_access_log')
      .selectAll()
      .where('patron_id', '=', p.id)
      .execute();
    assert.equal(logged.length, 1, 'the API check-out logs the staff view of the patron (A6)');
    const unknownCard = await desk.request(
      'POST',
      '/api/v1/staff/circulation/checkout',
      json({ cardNumber: 'no-such-card', barcode: item.barcode, branch: 'MAIN' }),
    );
    assert.equal(unknownCard.statusCode, 404);
    assert.match(unknownCard.body, /No patron has that card number/);
    const view = await desk.get(`/api/v1/staff/patrons/${p.id}/circulation`);
    assert.equal((JSON.parse(view.body) as { loans: unknown[] }).loans.length, 1);
    const webToken = csrfTokenOf((await web.get('/staff/password')).body);
    const forbidden = await web.request('POST', '/api/v1/staff/circulation/checkin', {
      payload: JSON.stringify({ barcode: item.barcode, branch: 'MAIN' }),
      headers: { 'content-type': 'application/json', 'x-csrf-token': webToken },
    });
    assert.equal(forbidden.statusCode, 403);
    const back = await desk.request(
      'POST',
      '/api/v1/staff/circulation/checkin',
      json({ barcode: item.barcode, branch: 'MAIN' }),
    );
    assert.equal(back.statusCode, 200);
    assert.deepEqual((JSON.parse(back.body) as { route: unknown }).route, { to: 'shelf' });
  });

  test('statistics: patron-free counts with small counts suppressed on the page and in the CSV (C2, G7)', async () => {
    const e = env();
    const { browser: desk } = await signedInStaff(e, app(), ['circulation']);
    const { browser: web } = await signedInStaff(e, app(), ['webmaster']);
    const page = await desk.get('/staff/circulation/stats?from=2026-03-01&to=2026-03-31');
    assert.equal(page.statusCode, 200);
    // Earlier tests in this suite checked out and in items today (2026-03-02): a handful of
    // check-ins (suppressed) and, depending on the tests before, a handful or more check-outs.
    assert.match(page.body, /Check-ins: 5 or fewer/);
    assert.match(page.body, /Check-outs: (5 or fewer|[6-9]|\d{2,})</);
    assert.doesNotMatch(page.body, /<td>[1-5]<\/td>/, 'no count from 1 to 5 appears');
    const csv = await desk.get('/staff/circulation/stats.csv?from=2026-03-01&to=2026-03-31');
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    assert.match(csv.body, /"Check-ins","5 or fewer"/);
    assert.doesNotMatch(csv.body, /,"[1-5]"\r?$/m);
    const bad = await desk.get('/staff/circulation/stats?from=2026-03-31&to=2026-03-01');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /must not be before/);
    assert.equal((await web.get('/staff/circulation/stats')).statusCode, 403);
  });
});
