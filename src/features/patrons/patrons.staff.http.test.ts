// Staff patron pages and the staff patron API, on both databases: registration and the one-time
// PIN (A1, A2), record pages opened with a purpose and logged (A6, C3), blocks and closing, the
// privacy officer's access log, no card number or name in a URL (issue 12 item 1), OpenAPI.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDialect } from '../../../test/support/env.ts';
import { Browser, csrfTokenOf, signedInStaff, useTestApp } from '../../../test/support/http.ts';
import { makePatron } from '../../../test/support/patrons.ts';
import { findPatronByCard } from './patrons.repository.ts';
import { logCount, patronBrowser } from './patrons.http.fixtures.ts';

describeEachDialect(
  'staff patron pages and API over HTTP',
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
  },
  { env: { TRUST_PROXY: '127.0.0.1' } },
);
