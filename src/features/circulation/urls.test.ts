// No URL carries personal data or a message (issue 12 items 1 and 2; STYLE "URLs carry no personal
// data"): every staff and patron flow of the desk, the patron records and the account pages is
// driven over HTTP like a browser (redirects followed), and every URL requested, every Location
// header and every href/action/src on every page is checked for card numbers, names, titles,
// patron ids and free-text messages. Messages come from the server: a `?notice=` in a link shows
// nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '../../../test/support/env.ts';
import { addItem, addRecord } from '../../../test/support/circulation-fixtures.ts';
import { Browser, csrfTokenOf, signedInStaff, useTestApp } from '../../../test/support/http.ts';
import { makePatron, TEST_PIN } from '../../../test/support/patrons.ts';
import { RecordingBrowser, urlLeaks } from '../../../test/support/recording-browser.ts';

describeEachDialect('no personal data or message in any URL', (env) => {
  const app = useTestApp(env);

  test('every desk, patron-record and account flow keeps card numbers, names, titles and messages out of URLs (issue 12 item 1)', async () => {
    const e = env();
    const rec = await addRecord(e.ctx, { title: 'Secret Garden Of Urls' });
    const other = await addRecord(e.ctx, { title: 'Hidden Hold Title' });
    const copy = await addItem(e.ctx, rec.id, { branch: 'MAIN' });
    const second = await addItem(e.ctx, rec.id, { branch: 'MAIN' });
    const otherCopy = await addItem(e.ctx, other.id, { branch: 'MAIN' });
    const patron = await makePatron(e.ctx, { name: 'Quilla Urlwatch' });
    const neighbour = await makePatron(e.ctx, { name: 'Rafe Nexturl' });
    const { browser } = await signedInStaff(e, app(), ['circulation']);
    const staff = new RecordingBrowser(browser);
    /** A check-out at the MAIN desk, as its form posts it. */
    const checkOut = (patronId: string, barcode: string) =>
      staff.go('POST', '/staff/desk/checkout', { branch: 'MAIN', patron: patronId, barcode });

    // The desk: branch, open by card, check out, renew, holds, lost, check-in, refusals, done.
    await staff.go('GET', '/staff/desk');
    await staff.go('GET', '/staff/desk?branch=MAIN');
    await staff.go('POST', '/staff/desk/patron', { branch: 'MAIN', card: patron.cardNumber });
    await checkOut(patron.id, copy.barcode);
    assert.match(staff.page, /Checked out: Secret Garden Of Urls/);
    const loan = await e.ctx.db
      .selectFrom('loans')
      .select('id')
      .where('patron_id', '=', patron.id)
      .executeTakeFirst();
    await staff.go('POST', '/staff/desk/renew', { branch: 'MAIN', patron: patron.id, loan: loan!.id });
    await checkOut(neighbour.id, copy.barcode);
    await staff.go('POST', '/staff/desk/holds', {
      branch: 'MAIN',
      patron: patron.id,
      hold_item: otherCopy.barcode,
      pickupBranch: 'MAIN',
    });
    const hold = await e.ctx.db
      .selectFrom('holds')
      .select('id')
      .where('patron_id', '=', patron.id)
      .executeTakeFirst();
    await staff.go('POST', `/staff/desk/holds/${hold!.id}/cancel`, { branch: 'MAIN', patron: patron.id });
    await checkOut(patron.id, second.barcode);
    await staff.go('POST', '/staff/desk/lost', {
      branch: 'MAIN',
      patron: patron.id,
      lost_barcode: second.barcode,
    });
    await staff.go('POST', '/staff/desk/checkin', { branch: 'MAIN', checkin_barcode: copy.barcode });
    await staff.go('POST', '/staff/desk/patron', { branch: 'MAIN', card: `9${patron.cardNumber}` });
    await staff.go('POST', '/staff/desk/patron', { branch: 'MAIN' });
    await staff.go('GET', '/staff/holds?branch=MAIN');

    // Patron records: look-up by card and by name, purpose, edit, card actions, PIN, to the desk.
    await staff.go('GET', '/staff/patrons');
    await staff.go('POST', '/staff/patrons', { purpose: 'circulation', cardNumber: patron.cardNumber });
    await staff.go('GET', '/staff/patrons');
    await staff.go('POST', '/staff/patrons', { purpose: 'account-help', name: 'Quilla Urlwatch' });
    await staff.go('GET', `/staff/patrons/${patron.id}`);
    await staff.go('GET', `/staff/patrons/${patron.id}?purpose=account-help`);
    await staff.go('GET', `/staff/patrons/${patron.id}/edit?purpose=account-help`);
    await staff.go('POST', `/staff/patrons/${patron.id}/edit?purpose=account-help`, {
      name: 'Quilla Urlwatch',
      homeBranch: 'MAIN',
      phone: '555 0100',
    });
    assert.match(staff.page, /Changes saved/);
    await staff.go('POST', `/staff/patrons/${patron.id}/block?purpose=account-help`, {
      reason: 'Owes a call back',
    });
    await staff.go('POST', `/staff/patrons/${patron.id}/unblock?purpose=account-help`, {});
    await staff.go('POST', `/staff/patrons/${patron.id}/renew?purpose=account-help`, {});
    await staff.go('GET', `/staff/patrons/${neighbour.id}?purpose=pin-reset`);
    await staff.go('POST', `/staff/patrons/${neighbour.id}/reset-pin?purpose=pin-reset`, { idChecked: 'on' });
    await staff.go('GET', `/staff/patrons/${patron.id}?purpose=circulation`);
    await staff.go('POST', '/staff/desk/patron', { patron: patron.id });
    await staff.go('GET', '/staff/patrons/new');
    await staff.go('POST', '/staff/patrons/new', { name: 'Sol Newurl', homeBranch: 'MAIN' });

    // The patron's own pages and actions.
    const me = new RecordingBrowser(new Browser(app()));
    await me.go('GET', `/account/holds/new?record=${other.id}`);
    await me.go(
      'POST',
      `/account/login?next=${encodeURIComponent(`/account/holds/new?record=${other.id}`)}`,
      {
        cardNumber: patron.cardNumber,
        pin: TEST_PIN,
      },
    );
    await me.go('POST', '/account/holds', { record: other.id, pickupBranch: 'MAIN' });
    assert.match(me.page, /Your hold is placed/);
    const mine = await e.ctx.db
      .selectFrom('holds')
      .select('id')
      .where('patron_id', '=', patron.id)
      .executeTakeFirst();
    await me.go('POST', `/account/holds/${mine!.id}/suspend`, { until: '' });
    await me.go('POST', `/account/holds/${mine!.id}/resume`, {});
    await me.go('POST', `/account/holds/${mine!.id}/cancel`, {});
    await me.go('GET', '/account');
    await me.go('POST', '/account/history/settings', { keep: 'on' });
    await staff.go('GET', '/staff/desk?branch=MAIN');
    await checkOut(patron.id, otherCopy.barcode);
    await me.go('GET', '/account/loans');
    const myLoan = /\/account\/loans\/([^/"]+)\/renew/.exec(me.page)?.[1];
    assert.ok(myLoan, 'the loan can be renewed from the page');
    await me.go('POST', `/account/loans/${myLoan}/renew`, {});
    await staff.go('POST', '/staff/desk/checkin', { branch: 'MAIN', checkin_barcode: otherCopy.barcode });
    await me.go('GET', '/account/history');
    const entry = /\/account\/history\/([^/"]+)\/delete/.exec(me.page)?.[1];
    assert.ok(entry, 'the history entry can be deleted from the page');
    await me.go('POST', `/account/history/${entry}/delete`, {});
    await me.go('POST', '/account/history/settings', {});
    await me.go('GET', '/account/email');
    await me.go('POST', '/account/email', { email: 'quilla@example.org', notices: 'email' });
    await me.go('GET', '/account/pin');
    await me.go('POST', '/account/pin', { currentPin: TEST_PIN, newPin: '40917352', confirmPin: '40917352' });
    assert.match(me.page, /Your PIN has been changed/);
    await me.go('GET', '/account/data');
    await me.go('POST', '/account/logout', {});

    const secrets = [
      patron.cardNumber,
      neighbour.cardNumber,
      'Quilla',
      'Urlwatch',
      'Rafe',
      'Nexturl',
      'Sol Newurl',
      'Secret Garden',
      'Hidden Hold',
      'quilla@example.org',
      '555',
    ];
    const all = [...staff.urls, ...me.urls];
    assert.ok(all.length > 200, `the flows met ${all.length} URLs`);
    assert.deepEqual(
      urlLeaks(all, {
        secrets,
        patronIds: [patron.id, neighbour.id],
        titles: ['title', 'Secret', 'Hidden'],
      }),
      [],
    );
  });

  test('a message in a URL shows nothing: banners come from the server (issue 12 item 2)', async () => {
    const e = env();
    const patron = await makePatron(e.ctx);
    const { browser: desk } = await signedInStaff(e, app(), ['circulation']);
    const forged = 'Patron owes $50; call 555-0000';
    const page = await desk.get(`/staff/desk?notice=${encodeURIComponent(forged)}`);
    assert.equal(page.statusCode, 200);
    assert.ok(!page.body.includes('555-0000'), 'the desk shows the text of a link');
    assert.doesNotMatch(page.body, /class="notice"/);
    const withBranch = await desk.get(`/staff/desk?branch=MAIN&notice=${encodeURIComponent(forged)}`);
    assert.ok(!withBranch.body.includes('555-0000'));
    const record = await desk.get(`/staff/patrons/${patron.id}?purpose=account-help&notice=blocked`);
    assert.equal(record.statusCode, 200);
    assert.doesNotMatch(record.body, /The card is blocked/);

    const me = new Browser(app());
    const login = await me.submit('/account/login', '/account/login', {
      cardNumber: patron.cardNumber,
      pin: TEST_PIN,
    });
    assert.equal(login.statusCode, 303);
    for (const [path, text] of [
      ['/account/holds?notice=placed', /Your hold is placed/],
      ['/account/loans?notice=renewed', /Renewed\. The new due date/],
      ['/account/history?notice=history-off', /Reading history is off, and/],
      ['/account?notice=pin-changed', /Your PIN has been changed/],
    ] as const) {
      const res = await me.get(path);
      assert.equal(res.statusCode, 200, path);
      assert.doesNotMatch(res.body, text, path);
    }
    const signIn = await new Browser(app()).get('/account/login?notice=pin-reset');
    assert.doesNotMatch(signIn.body, /Your new PIN is set/);

    // A message left by the server shows once, only on the page it was meant for.
    const form = await desk.get('/staff/patrons/new');
    const saved = await desk.request('POST', `/staff/patrons/${patron.id}/block?purpose=account-help`, {
      form: { _csrf: csrfTokenOf(form.body), reason: 'Address unknown' },
    });
    assert.equal(saved.statusCode, 303);
    assert.doesNotMatch((await desk.get('/staff/desk')).body, /The card is blocked/, 'not on another page');
    assert.doesNotMatch(
      (await desk.get(String(saved.headers.location))).body,
      /The card is blocked/,
      'and gone once another page was shown',
    );
  });
});
