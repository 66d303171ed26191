// The patron's own account over HTTP, on both databases: sign-in with cookies, the same answer
// for an unknown card and a wrong PIN (A2), throttles per source (A3), idle time-outs and sign-out
// (A4), "My data" generated from the inventory (A5, G3), closing the account, and clean logs (G4).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDialect } from '../../../test/support/env.ts';
import { findValueEverywhere } from '../../../test/support/find-value.ts';
import { Browser, csrfTokenOf, signedInStaff, useTestApp } from '../../../test/support/http.ts';
import { giveHoldAndHistory, makePatron, TEST_PIN } from '../../../test/support/patrons.ts';
import { MINUTE } from '../../clock.ts';
import { exportPlan } from './my-data.ts';
import { findPatronById } from './patrons.repository.ts';
import { patronBrowser, uniqueIp } from './patrons.http.fixtures.ts';

describeEachDialect(
  'patron account over HTTP',
  (env) => {
    const app = useTestApp(env);
    let desk: Browser;
    before(async () => {
      desk = (await signedInStaff(env(), app(), ['circulation'])).browser;
    });

    test('an unknown card and a wrong PIN get the same page; the next address is kept', async () => {
      const p = await makePatron(env().ctx);
      const signedOut = new Browser(app(), {}, { remoteAddress: uniqueIp() });
      const r = await signedOut.get('/account/data');
      assert.equal(r.statusCode, 303);
      assert.equal(r.headers.location, '/account/login?next=%2Faccount%2Fdata');
      const { res: unknown } = await patronBrowser(app(), '29000000000001', TEST_PIN);
      const { res: wrong } = await patronBrowser(app(), p.cardNumber, '11992288');
      assert.equal(unknown.statusCode, 401);
      assert.equal(wrong.statusCode, 401);
      const message = (body: string) => /<h2 id="error-summary-title">([^<]*)</.exec(body)?.[1];
      assert.equal(message(unknown.body), 'Wrong card number or PIN.');
      assert.equal(message(unknown.body), message(wrong.body));
      const page = await signedOut.get('/account/login?next=%2Faccount%2Fdata');
      const login = await signedOut.request('POST', '/account/login?next=%2Faccount%2Fdata', {
        form: { _csrf: csrfTokenOf(page.body), cardNumber: p.cardNumber, pin: TEST_PIN },
      });
      assert.equal(login.headers.location, '/account/data');
      const evil = await signedOut.get('/account/login?next=https%3A%2F%2Fevil.example%2F');
      assert.equal(evil.headers.location, '/account', 'already signed in: sent home, never to another site');
    });

    test('five wrong PINs from one address do not refuse the right PIN from another (A3, issue 12 item 7)', async () => {
      const p = await makePatron(env().ctx);
      const stranger = new Browser(app(), {}, { remoteAddress: '203.0.113.66' });
      const codes: number[] = [];
      for (let i = 0; i < 5; i++)
        codes.push(
          (
            await stranger.submit('/account/login', '/account/login', {
              cardNumber: p.cardNumber,
              pin: '11992288',
            })
          ).statusCode,
        );
      assert.deepEqual(codes, [401, 401, 401, 401, 429], 'the guesser is slowed down');
      const owner = new Browser(app(), {}, { remoteAddress: '203.0.113.7' });
      const res = await owner.submit('/account/login', '/account/login', {
        cardNumber: p.cardNumber,
        pin: TEST_PIN,
      });
      assert.equal(res.statusCode, 303, res.body.slice(0, 300));
      assert.equal((await owner.get('/account')).statusCode, 200, 'the owner is signed in');
    });

    test('IPv6 guesses from one /64 count as one source; the owner in another /64 gets in (A3, issue 12 item 7)', async () => {
      const p = await makePatron(env().ctx);
      const codes: number[] = [];
      // A new address of the same /64 for each guess: one host can use billions of them.
      for (let i = 1; i <= 5; i++) {
        const stranger = new Browser(app(), {}, { remoteAddress: `2001:db8:66:1::${i.toString(16)}` });
        codes.push(
          (
            await stranger.submit('/account/login', '/account/login', {
              cardNumber: p.cardNumber,
              pin: '11992288',
            })
          ).statusCode,
        );
      }
      assert.deepEqual(codes, [401, 401, 401, 401, 429], 'the /64 is slowed down as one guesser');
      const owner = new Browser(app(), {}, { remoteAddress: '2001:db8:77:1::1' });
      const res = await owner.submit('/account/login', '/account/login', {
        cardNumber: p.cardNumber,
        pin: TEST_PIN,
      });
      assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    });

    test('a public computer is signed out after the short idle time; sign-out deletes the session (A4)', async () => {
      const { ctx, clock, config } = env();
      const p = await makePatron(ctx);
      const { b } = await patronBrowser(app(), p.cardNumber, TEST_PIN, { publicTerminal: 'on' });
      assert.equal((await b.get('/account')).statusCode, 200);
      clock.advance(config.patronSession.publicIdleMinutes * MINUTE + 1000);
      const after = await b.get('/account');
      assert.equal(after.statusCode, 303);
      assert.match(String(after.headers.location), /^\/account\/login/);

      const { b: b2 } = await patronBrowser(app(), p.cardNumber);
      const sessions = () =>
        ctx.db.selectFrom('patron_sessions').select('id').where('patron_id', '=', p.id).execute();
      assert.equal((await sessions()).length, 1);
      const home = await b2.get('/account');
      const out = await b2.request('POST', '/account/logout', { form: { _csrf: csrfTokenOf(home.body) } });
      assert.equal(out.statusCode, 303);
      assert.equal((await sessions()).length, 0);
      assert.equal((await b2.get('/account')).statusCode, 303);
    });

    test('a blocked card still signs in and sees why it cannot borrow', async () => {
      const p = await makePatron(env().ctx);
      await env()
        .ctx.db.updateTable('patrons')
        .set({ block_reason: 'Lost card reported' })
        .where('id', '=', p.id)
        .execute();
      const { b, res } = await patronBrowser(app(), p.cardNumber);
      assert.equal(res.statusCode, 303);
      const page = await b.get('/account');
      assert.match(page.body, /This card is blocked: Lost card reported/);
      const api = await b.get('/api/v1/account');
      assert.equal(api.json().borrowingBlock, 'This card is blocked: Lost card reported');
    });

    test('My data holds exactly the exported columns of the patron’s own rows, as a JSON download (A5, G3)', async () => {
      const { ctx } = env();
      const me = await makePatron(ctx, { email: 'mydata.me@example.org', phone: '555 0199' });
      const other = await makePatron(ctx, { email: 'mydata.other@example.org' });
      await patronBrowser(app(), other.cardNumber);
      await desk.get(`/staff/patrons/${me.id}?purpose=account-help`);
      const mine = await giveHoldAndHistory(ctx, me.id, 'Zebra Quartet Memoirs');
      await giveHoldAndHistory(ctx, other.id, 'Another Readers Secret Title');
      const { b } = await patronBrowser(app(), me.cardNumber, TEST_PIN, { publicTerminal: 'on' });
      const res = await b.get('/account/data.json');
      assert.equal(res.statusCode, 200);
      assert.match(
        String(res.headers['content-disposition']),
        /^attachment; filename="my-library-data-\d{4}-\d\d-\d\d\.json"$/,
      );
      assert.equal(res.headers['cache-control'], 'no-store');
      const data = res.json() as {
        tables: Array<{
          table: string;
          columns: Array<{ name: string }>;
          rows: Array<Record<string, unknown>>;
        }>;
      };
      const plan = exportPlan(ctx.inventory);
      assert.deepEqual(
        data.tables.map((t) => t.table),
        plan.map((p) => p.table),
      );
      for (const t of data.tables) {
        const expected = plan.find((p) => p.table === t.table)!.columns.map((c) => c.name);
        assert.deepEqual(
          t.columns.map((c) => c.name),
          expected,
          t.table,
        );
        for (const row of t.rows) assert.deepEqual(Object.keys(row), expected, `${t.table} row`);
      }
      const byTable = Object.fromEntries(data.tables.map((t) => [t.table, t.rows]));
      assert.equal(byTable.patrons?.length, 1);
      assert.equal(byTable.patrons?.[0]?.card_number, me.cardNumber);
      assert.equal(byTable.patrons?.[0]?.email, 'mydata.me@example.org');
      assert.equal(byTable.patrons?.[0]?.pin_hash, undefined, 'never the PIN hash');
      assert.equal(byTable.patron_sessions?.length, 1);
      assert.equal(byTable.patron_sessions?.[0]?.is_public_terminal, 1);
      assert.deepEqual(
        byTable.patron_access_log?.map((r) => r.purpose),
        ['account-help'],
      );
      assert.equal(byTable.patron_access_log?.[0]?.staff_id, undefined, 'not which staff member');
      assert.deepEqual(
        byTable.holds?.map((r) => [r.bib_id, r.item_id]),
        [['Zebra Quartet Memoirs', `Zebra Quartet Memoirs (copy ${mine.barcode})`]],
        'holds appear by themselves, with titles instead of ids',
      );
      assert.deepEqual(
        byTable.reading_history?.map((r) => r.bib_id),
        ['Zebra Quartet Memoirs'],
      );
      for (const v of [
        other.cardNumber,
        other.name,
        other.id,
        'mydata.other@example.org',
        'Another Readers Secret Title',
      ])
        assert.ok(!res.body.includes(v), `nothing of another patron: ${v}`);
      const html = await b.get('/account/data');
      assert.match(html.body, /Library card number\./);
      assert.match(html.body, /mydata\.me@example\.org/);
      const api = await b.get('/api/v1/account/data');
      assert.deepEqual(
        api.json().tables.map((t: { table: string }) => t.table),
        plan.map((p) => p.table),
      );
    });

    test('closing the account in the browser is refused while items are out, then deletes everything', async () => {
      const { ctx } = env();
      const p = await makePatron(ctx, { name: 'Ola Closingpage', email: 'ola.closing@example.org' });
      await ctx.db.updateTable('patrons').set({ open_loans: 1 }).where('id', '=', p.id).execute();
      const { b } = await patronBrowser(app(), p.cardNumber);
      const page = await b.get('/account/close');
      assert.match(page.body, /1 item checked out/);
      const refused = await b.request('POST', '/account/close', {
        form: { _csrf: csrfTokenOf((await b.get('/account')).body), pin: TEST_PIN },
      });
      assert.equal(refused.statusCode, 409);
      assert.ok(await findPatronById(ctx.db, p.id));
      await ctx.db.updateTable('patrons').set({ open_loans: 0 }).where('id', '=', p.id).execute();
      const wrong = await b.submit('/account/close', '/account/close', { pin: '10293847' });
      assert.equal(wrong.statusCode, 400);
      assert.match(wrong.body, /not your current PIN/);
      const done = await b.submit('/account/close', '/account/close', { pin: TEST_PIN });
      assert.equal(done.statusCode, 200);
      assert.match(done.body, /Your account is closed/);
      assert.equal(b.cookies.has('carrel_patron'), false);
      assert.equal(await findPatronById(ctx.db, p.id), undefined);
      for (const v of [p.cardNumber, 'Ola Closingpage', 'ola.closing@example.org'])
        assert.deepEqual(await findValueEverywhere(ctx, v), [], v);
    });

    test('logs hold no card number, PIN, name or e-mail address (G4)', async () => {
      const p = await makePatron(env().ctx, { name: 'Pia Loggedname', email: 'pia.logged@example.org' });
      await patronBrowser(app(), p.cardNumber, '66190255');
      await patronBrowser(app(), p.cardNumber);
      await desk.submit('/staff/patrons', '/staff/patrons', {
        purpose: 'circulation',
        cardNumber: p.cardNumber,
      });
      await desk.submit('/staff/patrons', '/staff/patrons', { purpose: 'circulation', name: 'Pia Logged' });
      await desk.submit('/staff/patrons/new', '/staff/patrons/new', {
        name: 'Pia Loggedname',
        homeBranch: 'MAIN',
        pin: '66190255',
        email: 'bad',
      });
      const raw = env().logs.join('\n');
      for (const v of [
        p.cardNumber,
        TEST_PIN,
        '66190255',
        'Pia Loggedname',
        'Pia%20Logged',
        'pia.logged@example.org',
      ])
        assert.ok(!raw.includes(v), `${v} was logged`);
      assert.ok(raw.includes('"route":"/account/login"'), 'the requests were logged');
    });
  },
  { env: { TRUST_PROXY: '127.0.0.1' } },
);
