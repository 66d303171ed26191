// No URL on the staff side carries a message or personal data (issue 12 items 1 and 2; STYLE "URLs
// carry no personal data"): the staff accounts, purge, catalog, reference desk, announcement and
// access-log flows are driven like a browser, every URL met is checked, and a `?notice=` in a link
// shows nothing on any of those pages. The desk, patron-record and account flows have their own
// test (features/circulation/urls.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from '../jobs/worker.ts';
import { logPatronAccess } from '../features/patrons/access-log.repository.ts';
import { receiveInboundQuestion } from '../features/reference/reference.inbound.ts';
import { inbound } from '../features/reference/reference.fixtures.ts';
import { addItem, addRecord } from '../../test/support/circulation-fixtures.ts';
import { describeEachDialect } from '../../test/support/env.ts';
import { Browser, signedInStaff, useTestApp } from '../../test/support/http.ts';
import { makePatron } from '../../test/support/patrons.ts';
import { RecordingBrowser, urlLeaks } from '../../test/support/recording-browser.ts';

describeEachDialect('no message or personal data in staff URLs', (env) => {
  const app = useTestApp(env);
  const staffBrowser = async (roles: Parameters<typeof signedInStaff>[2]) =>
    new RecordingBrowser((await signedInStaff(env(), app(), roles)).browser);

  test('staff accounts, purge, catalog, reference desk and announcements: messages from the server, none in a URL (issue 12 items 1 and 2)', async () => {
    const e = env();
    const admin = await staffBrowser(['admin']);

    // Staff accounts: create, save, disable, enable, reset the password; one's own password.
    await admin.go('GET', '/staff/admin/staff/new');
    await admin.go('POST', '/staff/admin/staff/new', {
      username: 'una.urltest',
      displayName: 'Una Urltest',
      roles: ['circulation'],
    });
    assert.equal(admin.status, 201);
    const memberId = /href="\/staff\/admin\/staff\/([^"]+)"/.exec(admin.page)?.[1];
    assert.ok(memberId);
    await admin.go('GET', `/staff/admin/staff/${memberId}`);
    await admin.go('POST', `/staff/admin/staff/${memberId}`, {
      displayName: 'Una Urltest-Smith',
      roles: ['circulation', 'reference'],
    });
    assert.match(admin.page, /Changes saved\./);
    await admin.go('POST', `/staff/admin/staff/${memberId}/disable`, {});
    assert.match(admin.page, /The account was disabled and signed out everywhere\./);
    await admin.go('POST', `/staff/admin/staff/${memberId}/enable`, {});
    assert.match(admin.page, /The account was enabled\./);
    await admin.go('GET', '/staff/admin/staff');
    assert.doesNotMatch(admin.page, /The account was enabled\./, 'a message shows once');
    await admin.go('GET', `/staff/admin/staff/${memberId}`);
    await admin.go('POST', `/staff/admin/staff/${memberId}/reset-password`, {});

    const self = await signedInStaff(e, app(), ['circulation']);
    const own = new RecordingBrowser(self.browser);
    await own.go('GET', '/staff/password');
    await own.go('POST', '/staff/password', {
      currentPassword: self.password,
      newPassword: 'heron-lantern-pebble-92',
      confirmPassword: 'heron-lantern-pebble-92',
    });
    assert.match(own.page, /Your password has been changed/);

    // Purge now.
    await admin.go('GET', '/staff/admin/purge');
    await admin.go('POST', '/staff/admin/purge/run', {});
    assert.match(admin.page, /A purge has been queued/);

    // Catalog: list, search, record, add a copy, edit a copy.
    const rec = await addRecord(e.ctx, { title: 'Urlless Atlas' });
    const copy = await addItem(e.ctx, rec.id, { branch: 'MAIN' });
    await admin.go('GET', '/staff/catalog');
    await admin.go('GET', '/staff/catalog?q=Urlless');
    await admin.go('GET', `/staff/catalog/records/${rec.id}`);
    await admin.go('GET', `/staff/catalog/records/${rec.id}/items/new`);
    await admin.go('POST', `/staff/catalog/records/${rec.id}/items/new`, {
      barcode: '39990001234567',
      callNumber: '912 URL',
      branchCode: 'MAIN',
      location: 'Atlases',
      materialType: 'book',
      status: 'available',
    });
    assert.match(admin.page, /The copy was added\./);
    await admin.go('GET', `/staff/catalog/items/${copy.id}/edit`);
    await admin.go('POST', `/staff/catalog/items/${copy.id}/edit`, {
      barcode: copy.barcode,
      callNumber: '912 URL b',
      branchCode: 'MAIN',
      location: 'Atlases',
      materialType: 'book',
      status: 'available',
    });
    assert.match(admin.page, /The copy was saved\./);

    // The reference desk: claim, unclaim, claim, note, answer, classify, close, publish, unpublish.
    await receiveInboundQuestion(
      e.ctx,
      inbound({
        from: 'vera.urlasker@example.org',
        text: 'Hello, I am Vera Urlasker (phone 617-555-0188). Do you have maps of Boston from 1882?',
      }),
    );
    const question = await e.ctx.db
      .selectFrom('questions')
      .select('id')
      .where('reply_to', '=', 'vera.urlasker@example.org')
      .executeTakeFirstOrThrow();
    const reference = await staffBrowser(['reference']);
    const q = `/staff/reference/${question.id}`;
    await reference.go('GET', '/staff/reference');
    await reference.go('GET', q);
    for (const [action, form, text] of [
      ['claim', {}, /You have claimed this question\./],
      ['unclaim', {}, /The question is back in the queue\./],
      ['claim', {}, /You have claimed this question\./],
      ['note', { note: 'Try the map room.' }, /Note added\./],
      [
        'reply',
        { body: 'Yes, we have several; see the map room.', waiting: 'on' },
        /Your answer is on its way/,
      ],
      ['classify', { category: 'local-history', effort: '2' }, /Category and effort saved\./],
      ['close', {}, /The question is closed and its personal details are removed\./],
      [
        'faq',
        {
          question: 'Do you have old maps of Boston?',
          answer: 'Yes: the map room holds them.',
          faqCategory: 'local-history',
          confirm: 'on',
        },
        /Published in the FAQ\./,
      ],
    ] as const) {
      await reference.go('POST', `${q}/${action}`, form);
      assert.match(reference.page, text, action);
    }
    const faq = await e.ctx.db.selectFrom('faq_entries').select('id').executeTakeFirstOrThrow();
    await reference.go('GET', '/staff/reference/faq');
    await reference.go('POST', `/staff/reference/faq/${faq.id}/delete`, {});
    assert.match(reference.page, /The entry is no longer published\./);

    // Announcements: compose, save, send, stop.
    const reader = await makePatron(e.ctx, { name: 'Wynn Subscriber', email: 'wynn.sub@example.org' });
    await e.ctx.db
      .updateTable('patrons')
      .set({ announcements_consent_at: e.clock.now().toISOString() })
      .where('id', '=', reader.id)
      .execute();
    const web = await staffBrowser(['webmaster']);
    await web.go('GET', '/staff/announcements');
    await web.go('GET', '/staff/announcements/new');
    await web.go('POST', '/staff/announcements/new', {
      subject: 'Map room open late',
      body: 'The map room is open until nine on Thursdays.',
    });
    assert.match(web.page, /Draft saved\./);
    const announcement = /action="\/staff\/announcements\/([^/"]+)\/send"/.exec(web.page)?.[1];
    assert.ok(announcement, 'the saved draft can be sent');
    await web.go('POST', `/staff/announcements/${announcement}`, {
      subject: 'Map room open late on Thursdays',
      body: 'The map room is open until nine on Thursdays.',
    });
    assert.match(web.page, /Draft saved\./);
    await web.go('POST', `/staff/announcements/${announcement}/send`, {});
    assert.match(web.page, /Sending has started\./);
    await web.go('POST', `/staff/announcements/${announcement}/cancel`, {});
    assert.match(web.page, /The announcement was stopped/);
    await web.go('GET', '/staff/announcements');

    // A PIN reset asked for by the subscriber, then every job run: the e-mails' links are checked too.
    const visitor = new RecordingBrowser(new Browser(app()));
    await visitor.go('GET', '/account/pin-reset');
    await visitor.go('POST', '/account/pin-reset', { cardNumber: reader.cardNumber });
    await new Worker(e.ctx).drain();
    const mails = await e.ctx.db.selectFrom('dev_mailbox').select(['text_body', 'html_body']).execute();
    const mailLinks = mails.flatMap((m) =>
      [...`${m.text_body}\n${m.html_body ?? ''}`.matchAll(/https?:\/\/[^\s"<>)]+/g)].map((l) => ({
        url: l[0].replace(/&amp;/g, '&'),
        where: 'link in an e-mail',
      })),
    );
    assert.ok(
      mailLinks.some((l) => l.url.includes('/account/pin-reset/')),
      'the PIN reset e-mail was read',
    );
    assert.ok(
      mailLinks.some((l) => l.url.includes('/ask/delete/')),
      'the reference answer was read',
    );

    // Every staff page, as someone holding every role, with the records the flows made.
    const everyone = await staffBrowser([
      'admin',
      'circulation',
      'reference',
      'webmaster',
      'privacy-officer',
    ]);
    for (const page of [
      '/staff',
      '/staff/admin/jobs',
      '/staff/admin/mail',
      '/staff/admin/mailbox',
      '/staff/admin/purge',
      '/staff/admin/sign-ins',
      '/staff/admin/staff',
      `/staff/admin/staff/${memberId}`,
      '/staff/admin/staff/new',
      '/staff/announcements',
      `/staff/announcements/${announcement}`,
      '/staff/announcements/new',
      '/staff/catalog',
      '/staff/catalog/import',
      `/staff/catalog/records/${rec.id}`,
      `/staff/catalog/records/${rec.id}/items/new`,
      `/staff/catalog/items/${copy.id}/edit`,
      '/staff/circulation/stats',
      '/staff/desk?branch=MAIN',
      '/staff/holds?branch=MAIN',
      '/staff/password',
      '/staff/patrons',
      '/staff/patrons/new',
      `/staff/patrons/${reader.id}?purpose=account-help`,
      `/staff/patrons/${reader.id}/edit?purpose=account-help`,
      '/staff/reference',
      '/staff/reference?status=closed',
      q,
      '/staff/reference/faq',
      '/staff/reference/stats',
      '/staff/stats',
      '/staff/access-log',
    ]) {
      await everyone.go('GET', page);
      assert.equal(everyone.status, 200, page);
    }
    await everyone.go('GET', '/staff/admin/mailbox');
    const messages = [...everyone.page.matchAll(/href="(\/staff\/admin\/mailbox\/[^"]+)"/g)];
    assert.ok(messages.length >= 2, 'the development mailbox holds the e-mails');
    for (const m of messages) await everyone.go('GET', m[1]!);

    const all = [
      ...admin.urls,
      ...own.urls,
      ...reference.urls,
      ...web.urls,
      ...visitor.urls,
      ...everyone.urls,
    ];
    assert.ok(all.length > 300, `the flows met ${all.length} URLs`);
    assert.deepEqual(
      urlLeaks([...all, ...mailLinks], {
        secrets: [
          'vera',
          'urlasker',
          '617-555',
          'Una Urltest',
          'Map room',
          reader.cardNumber,
          'Wynn',
          'wynn.sub',
        ],
      }),
      [],
    );
  });

  test('the access log is filtered by a posted card number; its pages and links carry none (issue 12 item 1)', async () => {
    const e = env();
    const patron = await makePatron(e.ctx, { name: 'Xena Logfilter', email: 'xena.log@example.org' });
    const { id: staffId } = await e.ctx.db
      .selectFrom('staff')
      .select('id')
      .orderBy('created_at')
      .executeTakeFirstOrThrow();
    for (let i = 0; i < 55; i++) {
      await logPatronAccess(e.ctx.db, {
        staffId,
        patronId: patron.id,
        purpose: 'holds',
        at: new Date(e.clock.now().getTime() - i * 60_000).toISOString(),
      });
    }
    const officer = await staffBrowser(['privacy-officer']);
    await officer.go('GET', '/staff/access-log');
    await officer.go('POST', '/staff/access-log', { cardNumber: patron.cardNumber, from: '', to: '' });
    assert.equal(officer.status, 200);
    assert.match(officer.page, /Page 1: 50 entries/);
    const older = /href="(\/staff\/access-log\?[^"]*page=2)"/.exec(officer.page)?.[1];
    assert.ok(older, 'a link to the older entries');
    await officer.go('GET', older.replace(/&amp;/g, '&'));
    assert.match(officer.page, /Page 2: 5 entries/);
    assert.ok(officer.page.includes(`value="${patron.cardNumber}"`), 'the form shows the card filtered by');
    await officer.go('POST', '/staff/access-log', { cardNumber: '29999999999999' });
    assert.match(officer.page, /Page 1: 0 entries/);
    await officer.go('GET', '/staff/access-log');
    const api = await officer.json('POST', '/api/v1/staff/access-log/search', {
      cardNumber: patron.cardNumber,
      page: 2,
    });
    assert.equal(api.statusCode, 200, api.body);
    assert.equal(api.json().entries.length, 5);

    const desk = await staffBrowser(['circulation']);
    await desk.go('GET', '/staff/patrons');
    const found = await desk.json('POST', '/api/v1/staff/patrons/search', {
      purpose: 'holds',
      name: 'Xena Log',
    });
    assert.equal(found.statusCode, 200, found.body);
    assert.deepEqual(
      found.json().matches.map((m: { id: string }) => m.id),
      [patron.id],
    );

    const all = [...officer.urls, ...desk.urls];
    assert.deepEqual(urlLeaks(all, { secrets: [patron.cardNumber, 'Xena', 'Logfilter', 'xena.log'] }), []);
  });

  test('a message in a URL shows nothing on the staff pages (issue 12 item 2)', async () => {
    const e = env();
    const { browser: admin } = await signedInStaff(e, app(), ['admin']);
    const rec = await addRecord(e.ctx, { title: 'Forged Banner Atlas' });
    await receiveInboundQuestion(
      e.ctx,
      inbound({ from: 'forged.banner@example.org', text: 'Opening hours?' }),
    );
    const question = await e.ctx.db
      .selectFrom('questions')
      .select('id')
      .where('reply_to', '=', 'forged.banner@example.org')
      .executeTakeFirstOrThrow();
    const draft = await admin.submit('/staff/announcements/new', '/staff/announcements/new', {
      subject: 'Forged banner test',
      body: 'Nothing to see.',
    });
    const announcement = String(draft.headers.location);
    await admin.get(announcement); // shows and drops the real "saved" message
    const codes = [
      'password-changed',
      'saved',
      'disabled',
      'enabled',
      'queued',
      'item-added',
      'item-saved',
      'claimed',
      'unclaimed',
      'replied',
      'noted',
      'classified',
      'closed',
      'published',
      'unpublished',
      'sending',
      'cancelled',
      'Patron owes $50; call 555-0000',
    ];
    for (const page of [
      '/staff',
      '/staff/admin/staff',
      '/staff/admin/purge',
      `/staff/catalog/records/${rec.id}`,
      '/staff/reference',
      `/staff/reference/${question.id}`,
      '/staff/reference/faq',
      '/staff/announcements',
      announcement,
    ])
      for (const code of codes) {
        const res = await admin.get(`${page}?notice=${encodeURIComponent(code)}`);
        assert.equal(res.statusCode, 200, `${page}?notice=${code}`);
        assert.doesNotMatch(res.body, /class="notice"/, `${page}?notice=${code} shows a banner`);
        assert.ok(!res.body.includes('555-0000'), `${page} shows the text of a link`);
      }
  });
});
