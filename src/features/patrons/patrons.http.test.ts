// Patron accounts through the browser and the API, on both databases: staff registration and
// record pages with the access log (A1, A6, C3), sign-in with cookies and the must-change-PIN
// flow (A2, A4), "My data" generated from the inventory (A5, G3), closing, and clean logs (G4).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDialect, type TestEnv } from '../../../test/support/env.ts';
import { findValueEverywhere } from '../../../test/support/find-value.ts';
import { Browser, csrfTokenOf, signedInStaff, useTestApp } from '../../../test/support/http.ts';
import { giveHoldAndHistory, makePatron, TEST_PIN } from '../../../test/support/patrons.ts';
import { MINUTE } from '../../clock.ts';
import type { App } from '../../http/types.ts';
import { exportPlan } from './my-data.ts';
import { findPatronById, findPatronByCard } from './patrons.repository.ts';

let ipSeq = 0;
const uniqueIp = () => `198.18.${Math.floor(++ipSeq / 250)}.${(ipSeq % 250) + 1}`;

async function patronBrowser(
  app: App,
  cardNumber: string,
  pin = TEST_PIN,
  extra: Record<string, string> = {},
) {
  const b = new Browser(app, {}, { remoteAddress: uniqueIp() });
  const res = await b.submit('/account/login', '/account/login', { cardNumber, pin, ...extra });
  return { b, res };
}

async function logCount(env: TestEnv, patronId: string): Promise<number> {
  const rows = await env.ctx.db
    .selectFrom('patron_access_log')
    .select('id')
    .where('patron_id', '=', patronId)
    .execute();
  return rows.length;
}

describeEachDialect(
  'patron accounts over HTTP',
  (env) => {
    const app = useTestApp(env);
    let desk: Browser;
    let privacy: Browser;
    let admin: Browser;
    before(async () => {
      desk = (await signedInStaff(env(), app(), ['circulation'])).browser;
      privacy = (await signedInStaff(env(), app(), ['privacy-officer'])).browser;
      admin = (await signedInStaff(env(), app(), ['admin'])).browser;
    });

    test('staff home links the patron pages and the access log by role', async () => {
      const deskHome = (await desk.get('/staff')).body;
      assert.match(deskHome, /href="\/staff\/patrons"/);
      assert.doesNotMatch(deskHome, /href="\/staff\/access-log"/);
      const poHome = (await privacy.get('/staff')).body;
      assert.match(poHome, /href="\/staff\/access-log"/);
      assert.doesNotMatch(poHome, /href="\/staff\/patrons"/);
    });

    test('staff register a patron; the one-time PIN is shown once and only works for choosing a new one', async () => {
      const res = await desk.submit('/staff/patrons/new', '/staff/patrons/new', {
        name: 'Lou Registered',
        homeBranch: 'EAST',
        email: '',
        phone: '555-0100',
        ageBand: 'child',
        cardNumber: '',
        pin: '',
      });
      assert.equal(res.statusCode, 201);
      const pin = /class="secret">(\d{8})</.exec(res.body)?.[1];
      const card = /<dt>Card number<\/dt><dd>(\d+)<\/dd>/.exec(res.body)?.[1];
      assert.ok(pin && card, 'PIN and card number are on the page');
      const row = await findPatronByCard(env().ctx.db, card);
      assert.equal(row?.age_band, 'child');
      assert.equal(row?.pin_must_change, 1);

      const { b, res: login } = await patronBrowser(app(), card, pin);
      assert.equal(login.statusCode, 303);
      assert.equal(login.headers.location, '/account/pin');
      const cookie = login.cookies.find((c) => c.name === 'carrel_patron');
      assert.ok(cookie?.httpOnly, 'HttpOnly');
      assert.equal(cookie?.sameSite, 'Lax');
      assert.equal(cookie?.secure, undefined, 'not Secure over plain HTTP');
      const tls = new Browser(app(), { 'x-forwarded-proto': 'https' }, { remoteAddress: '127.0.0.1' });
      const overTls = await tls.submit('/account/login', '/account/login', { cardNumber: card, pin });
      assert.equal(
        overTls.cookies.find((c) => c.name === 'carrel_patron')?.secure,
        true,
        'Secure behind TLS',
      );
      for (const path of ['/account', '/account/data', '/account/data.json']) {
        const r = await b.get(path);
        assert.equal(r.statusCode, 303, path);
        assert.equal(r.headers.location, '/account/pin');
      }
      assert.equal((await b.get('/api/v1/account')).statusCode, 403);
      const page = await b.get('/account/pin');
      assert.match(page.body, /set by library staff/);
      const bad = await b.submit('/account/pin', '/account/pin', {
        currentPin: pin,
        newPin: '123456',
        confirmPin: '123456',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /too easy to guess/);
      assert.doesNotMatch(bad.body, new RegExp(pin), 'no PIN is echoed into the form');
      const ok = await b.submit('/account/pin', '/account/pin', {
        currentPin: pin,
        newPin: '40917352',
        confirmPin: '40917352',
      });
      assert.equal(ok.headers.location, '/account');
      const account = await b.get('/account');
      assert.equal(account.statusCode, 200);
      assert.match(account.body, /Your PIN has been changed/);
      assert.match(account.body, /Lou Registered/);
      assert.match(account.body, /href="\/account\/loans"/);
      assert.match(account.body, /href="\/account\/data"/);
    });

    test('registration keeps what was typed (never the PIN) and refuses fields it does not collect (A1)', async () => {
      const res = await desk.submit('/staff/patrons/new', '/staff/patrons/new', {
        name: 'Mo Typed',
        homeBranch: 'MAIN',
        email: 'not an address',
        pin: '97314528',
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /value="Mo Typed"/);
      assert.match(res.body, /value="not an address"/);
      assert.doesNotMatch(res.body, /97314528/);
      const extra = await desk.submit('/staff/patrons/new', '/staff/patrons/new', {
        name: 'Mo Typed',
        homeBranch: 'MAIN',
        birthDate: '1990-01-01',
      });
      assert.equal(extra.statusCode, 400);
      assert.match(extra.body, /does not collect birthDate/);
      const ref = (await signedInStaff(env(), app(), ['reference'])).browser;
      assert.equal((await ref.get('/staff/patrons/new')).statusCode, 403);
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

    test('opening a record asks for a purpose first, then logs it; the page shows no past loans (A6, C3)', async () => {
      const p = await makePatron(env().ctx);
      const before = await logCount(env(), p.id);
      const ask = await desk.get(`/staff/patrons/${p.id}`);
      assert.equal(ask.statusCode, 200);
      assert.match(ask.body, /Why are you opening this record/);
      assert.doesNotMatch(ask.body, new RegExp(p.name), 'nothing of the record before a purpose');
      assert.equal(await logCount(env(), p.id), before);
      const found = await desk.submit('/staff/patrons', '/staff/patrons', {
        purpose: 'circulation',
        cardNumber: p.cardNumber,
      });
      assert.equal(found.statusCode, 303);
      assert.equal(found.headers.location, `/staff/patrons/${p.id}?purpose=circulation`);
      const page = await desk.get(found.headers.location);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, new RegExp(p.name));
      assert.match(
        page.body,
        new RegExp(`action="/staff/desk/patron"[^]*?name="patron" value="${p.id}"`),
        'opened at the desk by a posted form, not a link with the id',
      );
      assert.doesNotMatch(page.body, /reading history<\/h2>|returned on/i);
      assert.equal(await logCount(env(), p.id), before + 1);
      const noPurpose = await desk.submit('/staff/patrons', '/staff/patrons', { name: p.name });
      assert.equal(noPurpose.statusCode, 400);
      assert.match(noPurpose.body, /Choose why you are opening the record/);

      const block = await desk.submit(
        page.headers.location ?? `/staff/patrons/${p.id}?purpose=block`,
        `/staff/patrons/${p.id}/block?purpose=block`,
        {
          reason: 'Overdue items to discuss',
        },
      );
      assert.equal(block.statusCode, 303);
      const reset = await desk.submit(
        `/staff/patrons/${p.id}?purpose=pin-reset`,
        `/staff/patrons/${p.id}/reset-pin?purpose=pin-reset`,
        {},
      );
      assert.equal(reset.statusCode, 400);
      assert.match(reset.body, /Check the patron’s identity/);
      const purposes = await env()
        .ctx.db.selectFrom('patron_access_log')
        .select('purpose')
        .where('patron_id', '=', p.id)
        .orderBy('id')
        .execute();
      assert.ok(purposes.map((r) => r.purpose).includes('block'));
    });

    test('staff close an account only when nothing is out, and blocks need a reason', async () => {
      const { ctx } = env();
      const p = await makePatron(ctx);
      const rec = `/staff/patrons/${p.id}?purpose=closure`;
      const noReason = await desk.submit(rec, `/staff/patrons/${p.id}/block?purpose=block`, { reason: '' });
      assert.equal(noReason.statusCode, 400);
      assert.match(noReason.body, /Say why the card is blocked/);
      await ctx.db.updateTable('patrons').set({ open_loans: 3 }).where('id', '=', p.id).execute();
      const refused = await desk.submit(rec, `/staff/patrons/${p.id}/close`, {});
      assert.equal(refused.statusCode, 409);
      assert.match(refused.body, /3 items are still checked out/);
      await ctx.db.updateTable('patrons').set({ open_loans: 0 }).where('id', '=', p.id).execute();
      const closed = await desk.submit(rec, `/staff/patrons/${p.id}/close`, {});
      assert.equal(closed.statusCode, 200);
      assert.match(closed.body, /The account is closed/);
      assert.equal((await desk.get(rec)).statusCode, 404);
    });

    test('only the privacy officer reads the access log, in the page and the API (A6)', async () => {
      const p = await makePatron(env().ctx);
      await desk.get(`/staff/patrons/${p.id}?purpose=holds`);
      for (const b of [desk, admin]) {
        assert.equal((await b.get('/staff/access-log')).statusCode, 403);
        assert.equal((await b.get('/api/v1/staff/access-log')).statusCode, 403);
      }
      // The card number is posted; the page it leads to names the patron by id (issue 12 item 1).
      const posted = await privacy.submit('/staff/access-log', '/staff/access-log', {
        cardNumber: p.cardNumber,
      });
      assert.equal(posted.statusCode, 303);
      assert.equal(posted.headers.location, `/staff/access-log?patron=${p.id}`);
      const page = await privacy.get(String(posted.headers.location));
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Placing or managing holds for the patron/);
      assert.match(page.body, new RegExp(`name="cardNumber" type="text" value="${p.cardNumber}"`));
      const token = csrfTokenOf(page.body);
      const api = await privacy.request('POST', '/api/v1/staff/access-log/search', {
        payload: JSON.stringify({ cardNumber: p.cardNumber }),
        headers: { 'content-type': 'application/json', 'csrf-token': token },
      });
      assert.equal(api.statusCode, 200);
      assert.deepEqual(
        api.json().entries.map((e: { purpose: string }) => e.purpose),
        ['holds'],
      );
      assert.equal(
        (await privacy.get(`/staff/patrons/${p.id}?purpose=holds`)).statusCode,
        403,
        'and opens no records',
      );
    });

    test('a card number or name in a URL is refused with a 400 that names the posted form or endpoint (issue 12 item 1)', async () => {
      const p = await makePatron(env().ctx);
      const page = await privacy.get(`/staff/access-log?cardNumber=${p.cardNumber}`);
      assert.equal(page.statusCode, 400);
      assert.match(page.body, /A card number is not accepted in a link/);
      assert.match(page.body, /<form method="post" action="\/staff\/access-log"/);
      assert.ok(!page.body.includes(p.cardNumber), 'the card number is not shown back');
      const log = await privacy.get(`/api/v1/staff/access-log?cardNumber=${p.cardNumber}`);
      assert.equal(log.statusCode, 400);
      assert.equal(log.json().error.code, 'invalid_input');
      assert.match(log.json().error.message, /POST \/api\/v1\/staff\/access-log\/search/);
      assert.ok(!log.body.includes(p.cardNumber));
      for (const q of [`purpose=holds&cardNumber=${p.cardNumber}`, 'purpose=holds&name=Reader']) {
        const found = await desk.get(`/api/v1/staff/patrons?${q}`);
        assert.equal(found.statusCode, 400, q);
        assert.match(found.json().error.message, /POST \/api\/v1\/staff\/patrons\/search/, q);
        assert.ok(!found.body.includes(p.cardNumber));
      }
      // Without a card number the access log still answers to a GET (dates, staff, page).
      assert.equal((await privacy.get('/api/v1/staff/access-log?page=1')).statusCode, 200);
    });

    test('the staff API registers and finds patrons; opening a record needs a purpose', async () => {
      const token = csrfTokenOf((await desk.get('/staff/patrons/new')).body);
      const res = await desk.request('POST', '/api/v1/staff/patrons', {
        payload: JSON.stringify({ name: 'Nia Api', homeBranch: 'MAIN', email: 'nia.api@example.org' }),
        headers: { 'content-type': 'application/json', 'csrf-token': token },
      });
      assert.equal(res.statusCode, 201, res.body);
      const body = res.json();
      assert.match(body.oneTimePin, /^\d{8}$/);
      assert.equal(body.patron.pinHash, undefined);
      assert.deepEqual(Object.keys(body.patron).sort(), [
        'ageBand',
        'blockReason',
        'blockedAt',
        'borrowingBlock',
        'cardExpiresAt',
        'cardNumber',
        'createdAt',
        'email',
        'homeBranch',
        'id',
        'mustChangePin',
        'name',
        'openLoans',
        'phone',
      ]);
      const extra = await desk.request('POST', '/api/v1/staff/patrons', {
        payload: JSON.stringify({ name: 'Nia Api', homeBranch: 'MAIN', birthDate: '2001-02-03' }),
        headers: { 'content-type': 'application/json', 'csrf-token': token },
      });
      assert.equal(extra.statusCode, 400);
      const id = body.patron.id;
      assert.equal((await desk.get(`/api/v1/staff/patrons/${id}`)).statusCode, 400);
      const rec = await desk.get(`/api/v1/staff/patrons/${id}?purpose=account-help`);
      assert.equal(rec.json().name, 'Nia Api');
      const list = await desk.request('POST', '/api/v1/staff/patrons/search', {
        payload: JSON.stringify({ purpose: 'account-help', name: 'nia ap' }),
        headers: { 'content-type': 'application/json', 'csrf-token': token },
      });
      assert.equal(list.statusCode, 200, list.body);
      assert.deepEqual(
        list.json().matches.map((m: { id: string }) => m.id),
        [id],
      );
      const byCard = await desk.request('POST', '/api/v1/staff/patrons/search', {
        payload: JSON.stringify({ purpose: 'holds', cardNumber: body.patron.cardNumber }),
        headers: { 'content-type': 'application/json', 'csrf-token': token },
      });
      assert.deepEqual(
        byCard.json().matches.map((m: { id: string }) => m.id),
        [id],
      );
      assert.equal(
        (
          await new Browser(app()).request('POST', '/api/v1/staff/patrons/search', {
            payload: JSON.stringify({ purpose: 'holds', name: 'ni' }),
            headers: { 'content-type': 'application/json' },
          })
        ).statusCode >= 401,
        true,
        'refused without a session and its token',
      );
    });

    test('the OpenAPI document describes the patron and staff patron routes', async () => {
      const doc = (await new Browser(app()).get('/api/v1/openapi.json')).json() as {
        paths: Record<string, unknown>;
      };
      for (const p of [
        '/api/v1/staff/patrons',
        '/api/v1/staff/patrons/{id}',
        '/api/v1/staff/access-log',
        '/api/v1/staff/patrons/search',
        '/api/v1/staff/access-log/search',
        '/api/v1/account',
        '/api/v1/account/data',
      ])
        assert.ok(doc.paths[p], p);
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
