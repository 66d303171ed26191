// The sign-in attack alert on the staff home page, on both databases (issue 12 item 7; A3, G4):
// real guesses through the sign-in forms from many addresses, then the pages as staff see them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '../../../test/support/env.ts';
import { Browser, signedInStaff, useTestApp } from '../../../test/support/http.ts';
import { makePatron } from '../../../test/support/patrons.ts';
import { ACCOUNT_RULE } from '../../auth/throttle.ts';
import type { App } from '../../http/types.ts';

const ALERT = 'id="sign-in-alert-title"';
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/\s+/g, ' ');

describeEachDialect('sign-in attack alert', (env) => {
  const app = useTestApp(env);
  const used: string[] = [];
  let next = 0;
  const address = () => {
    const a = `203.0.113.${++next}`;
    used.push(a);
    return a;
  };

  /** `failures` wrong tries at the patron or staff sign-in form, three (the free ones) per address. */
  async function distributedGuesses(a: App, form: 'patron' | 'staff', account: string, failures: number) {
    let b: Browser | undefined;
    for (let i = 0; i < failures; i++) {
      if (i % 3 === 0) b = new Browser(a, {}, { remoteAddress: address() });
      const res =
        form === 'patron'
          ? await b!.submit('/account/login', '/account/login', { cardNumber: account, pin: '11992288' })
          : await b!.submit('/staff/login', '/staff/login', {
              username: account,
              password: 'not-the-password-x',
            });
      assert.equal(res.statusCode, 401, `guess ${i + 1} was checked and refused`);
    }
  }

  test('with no attack the home page says nothing about failed sign-ins', async () => {
    const { browser } = await signedInStaff(env(), app(), ['admin']);
    const p = await makePatron(env().ctx);
    // Ordinary mistakes: a few wrong PINs from one or two places.
    await distributedGuesses(app(), 'patron', p.cardNumber, 6);
    const home = await browser.get('/staff');
    assert.equal(home.statusCode, 200);
    assert.ok(!home.body.includes(ALERT), 'no alert');
    assert.match(home.body, /href="\/staff\/admin\/sign-ins"/, 'the tile to the explanation is there');
    const page = await browser.get('/staff/admin/sign-ins');
    assert.equal(page.statusCode, 200);
    assert.match(
      text(page.body),
      /No patron or staff account is taking failed sign-ins from several addresses at once/,
    );
  });

  test('a distributed attack on one card shows "1 patron account" to administrators and the privacy officer, never whose', async () => {
    const { ctx, clock } = env();
    const admin = await signedInStaff(env(), app(), ['admin']);
    const officer = await signedInStaff(env(), app(), ['privacy-officer']);
    const desk = await signedInStaff(env(), app(), ['circulation']);
    const p = await makePatron(ctx);

    await distributedGuesses(app(), 'patron', p.cardNumber, ACCOUNT_RULE.alertAt - 1);
    assert.ok(!(await admin.browser.get('/staff')).body.includes(ALERT), 'below the alert level: nothing');

    await distributedGuesses(app(), 'patron', p.cardNumber, 2);
    const home = await admin.browser.get('/staff');
    assert.ok(home.body.includes(ALERT), 'the alert is shown');
    assert.match(
      text(home.body),
      /Failed sign-ins 1 patron account is taking failed sign-ins from several addresses at once \(possible attack\)/,
    );
    assert.match(home.body, /<a href="\/staff\/admin\/sign-ins">What this means and when to act<\/a>/);
    assert.ok(
      !/staff account/.test(text(home.body).split('What this means')[0]!),
      'no staff account counted',
    );
    assert.ok(!/no more tries/.test(home.body), 'the allowance is not full yet');

    const officerHome = await officer.browser.get('/staff');
    assert.match(text(officerHome.body), /1 patron account is taking failed sign-ins/);
    const deskHome = await desk.browser.get('/staff');
    assert.equal(deskHome.statusCode, 200);
    assert.ok(!deskHome.body.includes(ALERT), 'circulation staff do not see the alert');
    assert.ok(!deskHome.body.includes('/staff/admin/sign-ins'), 'nor the tile');
    assert.equal((await desk.browser.get('/staff/admin/sign-ins')).statusCode, 403);

    // A staff account attacked too, to the full allowance: both counted, and the owners' way in.
    const target = await signedInStaff(env(), app(), ['reference']);
    await distributedGuesses(app(), 'staff', target.username, ACCOUNT_RULE.capacity);
    const both = text((await admin.browser.get('/staff')).body);
    assert.match(both, /1 patron account and 1 staff account are taking failed sign-ins/);
    assert.match(
      both,
      /1 staff account takes no more tries for now: the owner may be asked to wait up to 15 minutes/,
    );
    const page = await admin.browser.get('/staff/admin/sign-ins');
    assert.equal(page.statusCode, 200);
    assert.match(text(page.body), /1 patron account and 1 staff account are taking/);

    for (const res of [home, officerHome, page, await admin.browser.get('/staff')])
      for (const secret of [p.cardNumber, target.username, ...used])
        assert.ok(!res.body.includes(secret), `no card number, user name or address on the page: ${secret}`);

    // Failures are forgiven one per leak period; the alert ends by itself. The patron card holds
    // alertAt + 1 failures: still counted after one period, no longer after two.
    clock.advance(ACCOUNT_RULE.leakEveryMs);
    assert.match(text((await admin.browser.get('/staff')).body), /1 patron account and 1 staff account are/);
    clock.advance(ACCOUNT_RULE.leakEveryMs);
    const later = text((await admin.browser.get('/staff')).body);
    assert.match(later, /Failed sign-ins 1 staff account is taking failed sign-ins/);
    assert.ok(
      !/patron account/.test(later) && !/no more tries/.test(later),
      'the patron card no longer counts',
    );
    clock.advance((ACCOUNT_RULE.capacity - ACCOUNT_RULE.alertAt) * ACCOUNT_RULE.leakEveryMs);
    assert.ok(!(await admin.browser.get('/staff')).body.includes(ALERT), 'over: nothing to say');
  });
});
