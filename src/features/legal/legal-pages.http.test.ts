// The intake page and the case pages over HTTP on both databases (issue 15 item 1; L1, L6, G4): a
// circulation user records a visit and is told what to say, with no trace of the case on the page;
// only the privacy officer and counsel open cases; refused input keeps what was typed; nothing the
// visitor said reaches the logs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '../../../test/support/env.ts';
import { csrfTokenOf, signedInStaff, useTestApp, type Browser } from '../../../test/support/http.ts';
import { instantOfLocal, localDateTime } from './legal-intake.schemas.ts';
import { WHAT_TO_SAY } from './legal-intake.views.tsx';
import { MAX_ATTACHMENT_BYTES } from './legal.schemas.ts';
import { openCase } from './legal.service.ts';
import { AGENCY, intake, pngScan, SCAN_TEXT, staffActor, VISITOR } from './legal.test-support.ts';

const BADGE = 'Badge QX-77120';
const ASK = 'Every loan and computer session of the patron Ottoline Brackwater since March.';
const escaped = (s: string) => s.replace(/&/g, '&amp;');

type Upload = { name: string; type: string; bytes: Uint8Array };

/** Loads the intake page and posts its form as a browser does: multipart, the token first. */
async function postIntake(browser: Browser, fields: Record<string, string>, files: Upload[] = []) {
  const token = csrfTokenOf((await browser.get('/staff/legal/new')).body);
  const boundary = '----carrel-test-7f3a';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries({ _csrf: token, ...fields }))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files.length
    ? files
    : [{ name: '', type: 'application/octet-stream', bytes: new Uint8Array() }])
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${f.name}"\r\nContent-Type: ${f.type}\r\n\r\n`,
      ),
      Buffer.from(f.bytes),
      Buffer.from('\r\n'),
    );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return browser.request('POST', '/staff/legal/new', {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
}

describeEachDialect(
  'law-enforcement intake and case pages',
  (env) => {
    const app = useTestApp(env);

    test('a circulation user records a visit; the page says what to say and names no case (L1)', async () => {
      const e = env();
      const desk = await signedInStaff(e, app(), ['circulation']);
      const home = await desk.browser.get('/staff');
      assert.match(home.body, /href="\/staff\/legal\/new"/, 'every role has the intake link');
      assert.doesNotMatch(home.body, /href="\/staff\/legal"/, 'but not the case list');
      const form = await desk.browser.get('/staff/legal/new');
      assert.equal(form.statusCode, 200);
      const now = localDateTime(e.clock.now(), e.config.library.timezone);
      assert.match(form.body, new RegExp(`name="arrivedAt" type="datetime-local" value="${now}"`));
      const before = await e.ctx.db.selectFrom('legal_cases').select('id').execute();
      const arrived = localDateTime(
        new Date(e.clock.now().getTime() - 20 * 60_000),
        e.config.library.timezone,
      );
      const scan = { name: 'warrant page 1.png', type: 'image/png', bytes: pngScan() };
      const res = await postIntake(
        desk.browser,
        {
          instrument: 'court-order',
          visitorName: VISITOR,
          agency: AGENCY,
          idShown: BADGE,
          idCheck: 'called-agency',
          arrivedAt: arrived,
          request: ASK,
        },
        [scan],
      );
      assert.equal(res.statusCode, 303, res.body.slice(0, 300));
      assert.equal(res.headers.location, '/staff/legal/recorded?notified=2');
      const rows = await e.ctx.db.selectFrom('legal_cases').selectAll().execute();
      assert.equal(rows.length, before.length + 1);
      const c = rows.find((r) => !before.some((b) => b.id === r.id))!;
      assert.equal(c.instrument, 'court-order');
      const done = await desk.browser.get(res.headers.location);
      assert.equal(done.statusCode, 200);
      assert.ok(done.body.includes(escaped(WHAT_TO_SAY)), 'the words to say');
      assert.match(done.body, /Do not search for the patron/);
      assert.match(done.body, /do not stand in their way/);
      assert.match(done.body, /privacy officer and counsel \(2\s*(<!-- -->)?\s*addresses\)/);
      for (const secret of [c.id, c.id.slice(0, 8), VISITOR, AGENCY, BADGE, 'Ottoline'])
        assert.ok(!done.body.includes(secret), `the page after saving does not show ${secret}`);
      assert.doesNotMatch(done.body, /href="\/staff\/legal\//, 'no link to any case');
      // Out of reach for the desk: the list, the case and its files.
      for (const url of ['/staff/legal', `/staff/legal/${c.id}`, `/staff/legal/${c.id}/files/x`]) {
        const r = await desk.browser.get(url);
        assert.equal(r.statusCode, 403, url);
        assert.ok(!r.body.includes(VISITOR), url);
      }

      // The privacy officer sees the case with what was typed, and the log names the desk worker.
      const po = await signedInStaff(e, app(), ['privacy-officer']);
      const poHome = await po.browser.get('/staff');
      assert.doesNotMatch(
        (await po.browser.get('/staff/legal')).body,
        /name="_csrf" value\/>/,
        'the sign-out form has its token',
      );
      assert.match(poHome.body, /href="\/staff\/legal"/);
      const list = await po.browser.get('/staff/legal');
      assert.equal(list.statusCode, 200);
      assert.ok(list.body.includes(`href="/staff/legal/${c.id}"`));
      assert.match(list.body, /Court order/);
      assert.match(list.body, /Recorded at intake/);
      const page = await po.browser.get(`/staff/legal/${c.id}`);
      assert.equal(page.statusCode, 200);
      assert.equal(page.headers['cache-control'], 'no-store');
      for (const typed of [VISITOR, AGENCY, BADGE, ASK, 'Called the agency', 'Court order'])
        assert.ok(page.body.includes(escaped(typed)), `the case page shows ${typed}`);
      assert.ok(page.body.includes(desk.username), 'the log names who recorded it');
      assert.match(page.body, /Recorded at the desk with 1 file\(s\)/);
      assert.match(page.body, /warrant page 1\.png/);
      const href = /href="(\/staff\/legal\/[^"/]+\/files\/[^"]+)"/.exec(page.body)?.[1];
      assert.ok(href, 'the uploaded scan is a download');
      const file = await po.browser.get(href);
      assert.ok(file.rawPayload.equals(Buffer.from(scan.bytes)), 'the file comes back as uploaded');
      const stored = await e.ctx.db
        .selectFrom('legal_cases')
        .select('details')
        .where('id', '=', c.id)
        .executeTakeFirstOrThrow();
      assert.ok(!Buffer.from(stored.details).toString('latin1').includes(VISITOR), 'stored encrypted');
      assert.equal(
        Date.parse(instantOfLocal(arrived, e.config.library.timezone)!),
        e.clock.now().getTime() - 20 * 60_000,
        'the local time typed is the instant meant',
      );
      // Nothing the visitor said, or who they were, is in the logs (G4).
      for (const secret of [VISITOR, AGENCY, BADGE, 'Ottoline', c.id])
        assert.ok(!e.logs.some((l) => l.includes(secret)), `no ${secret} in the logs`);
    });

    test('refused input re-shows the form with every typed value; nothing is saved', async () => {
      const e = env();
      const desk = await signedInStaff(e, app(), ['reference']);
      const count = async () => (await e.ctx.db.selectFrom('legal_cases').select('id').execute()).length;
      const before = await count();
      const typed = {
        instrument: 'search-warrant',
        visitorName: VISITOR,
        agency: '',
        idShown: BADGE,
        idCheck: 'badge',
        arrivedAt: '2026-02-30T10:00',
        request: ASK,
      };
      const res = await postIntake(desk.browser, typed);
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Agency: required\./);
      assert.match(res.body, /When they came: a date and time\./);
      assert.ok(res.body.includes(`value="${escaped(VISITOR)}"`));
      assert.ok(res.body.includes(`value="${BADGE}"`));
      assert.ok(res.body.includes('value="2026-02-30T10:00"'));
      assert.ok(res.body.includes(`>${ASK}</textarea>`));
      assert.match(res.body, /value="search-warrant" checked/);
      assert.match(res.body, /value="badge" selected/);
      // A time in the future (the service's rule) and no instrument at all.
      const later = localDateTime(
        new Date(e.clock.now().getTime() + 3 * 3600_000),
        e.config.library.timezone,
      );
      const res2 = await postIntake(desk.browser, { ...typed, agency: AGENCY, arrivedAt: later });
      assert.equal(res2.statusCode, 400);
      assert.match(res2.body, /not in the future/);
      assert.ok(res2.body.includes(`value="${later}"`));
      const { instrument: _i, ...noInstrument } = typed;
      const res3 = await postIntake(desk.browser, { ...noInstrument, agency: AGENCY });
      assert.equal(res3.statusCode, 400);
      assert.match(res3.body, /Choose what the visitor says they have/);
      // A file that is not what a scan is (text named .png) is refused, with the form kept.
      const fake = { name: 'scan.png', type: 'image/png', bytes: new TextEncoder().encode('not an image') };
      const res4 = await postIntake(
        desk.browser,
        { ...typed, agency: AGENCY, arrivedAt: localDateTime(e.clock.now(), e.config.library.timezone) },
        [fake],
      );
      assert.equal(res4.statusCode, 400);
      assert.match(res4.body, /Attach a PDF, JPEG or PNG file\./);
      assert.ok(res4.body.includes(`value="${escaped(VISITOR)}"`));
      // A url-encoded post without the multipart form's token in a header is refused outright.
      const plain = await desk.browser.submit('/staff/legal/new', '/staff/legal/new', {
        ...typed,
        agency: AGENCY,
      });
      assert.equal(plain.statusCode, 403);
      // A file over the limit: a plain page (413) naming the limit, before the rest is read.
      const big = { name: 'huge.png', type: 'image/png', bytes: new Uint8Array(MAX_ATTACHMENT_BYTES + 1) };
      const res5 = await postIntake(desk.browser, { ...typed, agency: AGENCY }, [big]);
      assert.equal(res5.statusCode, 413);
      assert.match(res5.body, /A file may be at most 10 MB/);
      assert.equal(await count(), before, 'no half-written case');
      assert.ok(!e.logs.some((l) => l.includes(VISITOR) || l.includes(ASK)), 'no typed values in the logs');
    });

    test('only the privacy officer and counsel open cases; files download as attachments (L1, L6)', async () => {
      const e = env();
      const actor = await staffActor(e, ['circulation']);
      const { caseId } = await openCase(e.ctx, actor, intake(e));
      for (const roles of [['circulation'], ['reference'], ['webmaster'], ['admin']] as const) {
        const s = await signedInStaff(e, app(), [...roles]);
        assert.equal((await s.browser.get('/staff/legal')).statusCode, 403, roles[0]);
        assert.equal((await s.browser.get(`/staff/legal/${caseId}`)).statusCode, 403, roles[0]);
        assert.doesNotMatch((await s.browser.get('/staff')).body, /href="\/staff\/legal"/, roles[0]);
      }
      const counsel = await signedInStaff(e, app(), ['counsel']);
      const page = await counsel.browser.get(`/staff/legal/${caseId}`);
      assert.equal(page.statusCode, 200);
      const href = /href="(\/staff\/legal\/[^"/]+\/files\/[^"]+)"/.exec(page.body)?.[1];
      assert.ok(href, 'a download link');
      assert.match(page.body, /subpoena-page-1\.png/);
      const file = await counsel.browser.get(href);
      assert.equal(file.statusCode, 200);
      assert.equal(
        file.headers['content-disposition'],
        `attachment; filename="subpoena-page-1.png"; filename*=UTF-8''subpoena-page-1.png`,
      );
      assert.equal(file.headers['cache-control'], 'no-store');
      assert.equal(file.headers['content-type'], 'image/png');
      assert.ok(file.rawPayload.includes(Buffer.from(SCAN_TEXT)));
      assert.equal((await counsel.browser.get(`/staff/legal/${caseId}/files/nope`)).statusCode, 404);
      assert.equal((await counsel.browser.get('/staff/legal/no-such-case')).statusCode, 404);
    });
  },
  {
    env: { LEGAL_PRIVACY_OFFICER_EMAILS: 'po@library.example', LEGAL_COUNSEL_EMAILS: 'counsel@law.example' },
  },
);
