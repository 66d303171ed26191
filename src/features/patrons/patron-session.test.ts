// Patron sign-in and sessions on both databases: the same answer and the same argon2 work for an
// unknown card and a wrong PIN (A2), growing back-off per card and per client (A3), idle time-outs
// for public computers and server-side sign-out (A4), PIN changes, and closing one's own account (A5).
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { describeEachDialect, type TestEnv } from '../../../test/support/env.ts';
import { findValueEverywhere } from '../../../test/support/find-value.ts';
import { FIVE_WRONG_FROM_ONE_ADDRESS } from '../../../test/support/throttle.ts';
import { TEST_PIN as PIN, uniqueCard } from '../../../test/support/patrons.ts';
import { MINUTE, HOUR } from '../../clock.ts';
import { ConflictError, TooManyRequestsError, UnauthenticatedError, ValidationError } from '../../errors.ts';
import { hashSecret, verifications, verifySecret } from '../../auth/passwords.ts';
import { median } from '../../../bench/lib.ts';
import {
  authenticatePatronSession,
  changePin,
  closeOwnAccount,
  loginPatron,
  logoutPatron,
  WRONG_LOGIN,
} from './patron-session.service.ts';
import { countPatronSessionsOf, findPatronById } from './patrons.repository.ts';
import { registerPatron, resetPin } from './patrons.service.ts';
import { changePinSchema, patronLoginSchema, type RegisterPatronValues } from './patrons.schemas.ts';
import { viaEdge } from '../../../test/support/edge.ts';

const system = { kind: 'system' } as const;
let ipSeq = 0;
/** A fresh client address per call (RFC 2544 benchmarking range), so client throttles never overlap. */
const uniqueIp = () => `198.19.${Math.floor(++ipSeq / 250)}.${(ipSeq % 250) + 1}`;

async function makePatron(env: TestEnv, extra: Partial<RegisterPatronValues> = {}) {
  const cardNumber = uniqueCard();
  const { patron } = await registerPatron(env.ctx, system, {
    name: `Reader ${cardNumber.slice(-5)}`,
    homeBranch: 'MAIN',
    cardNumber,
    pin: PIN,
    ...extra,
  });
  return patron;
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );

describeEachDialect('patron sign-in and sessions', (env) => {
  test('an unknown card and a wrong PIN get the same answer, and both pay for an argon2id check (A2)', async () => {
    const { ctx } = env();
    const unknown = await failure(
      loginPatron(ctx, { cardNumber: uniqueCard(), pin: PIN, publicTerminal: false }, uniqueIp()),
    );
    const p = await makePatron(env());
    const wrong = await failure(
      loginPatron(ctx, { cardNumber: p.cardNumber, pin: '90817263', publicTerminal: false }, uniqueIp()),
    );
    for (const e of [unknown, wrong]) {
      assert.ok(e instanceof UnauthenticatedError);
      assert.equal(e.message, WRONG_LOGIN);
    }
    // Each path runs exactly one argon2id verification (the unknown card against a dummy hash).
    // Counted rather than timed: timing on a shared 2-core machine is too noisy to assert tightly.
    const before = verifications.count;
    await loginPatron(ctx, { cardNumber: uniqueCard(), pin: PIN, publicTerminal: false }, uniqueIp()).catch(
      () => undefined,
    );
    assert.equal(verifications.count - before, 1, 'an unknown card pays for one verification');
    const p2 = await makePatron(env());
    const mid = verifications.count;
    await loginPatron(
      ctx,
      { cardNumber: p2.cardNumber, pin: '90817263', publicTerminal: false },
      uniqueIp(),
    ).catch(() => undefined);
    assert.equal(verifications.count - mid, 1, 'a wrong PIN pays for one verification');
    // And a loose timing sanity check: both cost a real verification, not a database look-up only.
    const hash = await hashSecret('some-other-secret');
    const time = async (f: () => Promise<unknown>) => {
      const t0 = performance.now();
      await f().catch(() => undefined);
      return performance.now() - t0;
    };
    const verifyMs: number[] = [];
    const unknownMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      verifyMs.push(await time(() => verifySecret(hash, PIN)));
      unknownMs.push(
        await time(() =>
          loginPatron(ctx, { cardNumber: uniqueCard(), pin: PIN, publicTerminal: false }, uniqueIp()),
        ),
      );
    }
    assert.ok(
      median(unknownMs) >= 0.2 * median(verifyMs),
      `unknown card ${median(unknownMs)} ms vs one verification ${median(verifyMs)} ms`,
    );
  });

  test('the right PIN signs in, even with a blocked or expired card; card numbers may carry spaces', async () => {
    const { ctx, clock } = env();
    const p = await makePatron(env());
    await ctx.db
      .updateTable('patrons')
      .set({
        block_reason: 'Please see staff',
        card_expires_at: new Date(clock.now().getTime() - HOUR).toISOString(),
      })
      .where('id', '=', p.id)
      .execute();
    const spaced = `${p.cardNumber.slice(0, 4)} ${p.cardNumber.slice(4)}`;
    const { token, actor } = await viaEdge(patronLoginSchema, { cardNumber: spaced, pin: PIN }, (v) =>
      loginPatron(ctx, v, uniqueIp()),
    );
    assert.equal(actor.id, p.id);
    assert.equal(actor.mustChangePin, false);
    assert.equal((await authenticatePatronSession(ctx, token))?.id, p.id);
  });

  test('failures slow down per card and address, growing, and every delay ends by itself (A3)', async () => {
    const { ctx, clock } = env();
    const p = await makePatron(env());
    const ip = uniqueIp();
    const tryPin = (pin: string) =>
      failure(loginPatron(ctx, { cardNumber: p.cardNumber, pin, publicTerminal: false }, ip));
    for (let i = 0; i < 4; i++) assert.ok((await tryPin('11223344')) instanceof UnauthenticatedError);
    const blocked = await tryPin(PIN);
    assert.ok(blocked instanceof TooManyRequestsError, 'even the right PIN waits at that address');
    assert.equal(blocked.retryAfterSeconds, 1);
    clock.advance(1000);
    assert.ok((await tryPin('11223344')) instanceof UnauthenticatedError);
    const longer = await tryPin(PIN);
    assert.ok(longer instanceof TooManyRequestsError);
    assert.equal(longer.retryAfterSeconds, 2, 'the delay grows');
    clock.advance(2000);
    const ok = await loginPatron(ctx, { cardNumber: p.cardNumber, pin: PIN, publicTerminal: false }, ip);
    assert.equal(ok.actor.id, p.id, 'no permanent lock-out');
    assert.ok((await tryPin('11223344')) instanceof UnauthenticatedError, 'success cleared the counter');
  });

  test('a stranger’s wrong PINs from one address do not keep the owner out elsewhere (A3, issue 12 item 7)', async () => {
    const { ctx } = env();
    const p = await makePatron(env());
    const stranger = uniqueIp();
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const e = await failure(
        loginPatron(ctx, { cardNumber: p.cardNumber, pin: '11223344', publicTerminal: false }, stranger),
      );
      codes.push(e instanceof Error ? e.name : String(e));
    }
    assert.deepEqual(codes, FIVE_WRONG_FROM_ONE_ADDRESS);
    const owner = await loginPatron(
      ctx,
      { cardNumber: p.cardNumber, pin: PIN, publicTerminal: false },
      uniqueIp(),
    );
    assert.equal(owner.actor.id, p.id, 'the right PIN from a clean address signs in');
    assert.ok(
      (await failure(
        loginPatron(ctx, { cardNumber: p.cardNumber, pin: '11223344', publicTerminal: false }, stranger),
      )) instanceof TooManyRequestsError,
      'the stranger stays slowed down',
    );
  });

  test('guesses spread over many addresses hit the card’s own cap, and staff are warned without personal data (A3, G4)', async () => {
    const { ctx, clock, logs } = env();
    const p = await makePatron(env());
    let addresses = 0;
    let checked = 0;
    // Three free guesses per address, so only the card's all-address bucket (50) can stop them.
    for (;;) {
      const ip = uniqueIp();
      addresses++;
      let stopped = false;
      for (let i = 0; i < 3 && !stopped; i++) {
        const e = await failure(
          loginPatron(ctx, { cardNumber: p.cardNumber, pin: '11223344', publicTerminal: false }, ip),
        );
        if (e instanceof TooManyRequestsError) stopped = true;
        else {
          assert.ok(e instanceof UnauthenticatedError);
          checked++;
        }
      }
      if (stopped) break;
      assert.ok(addresses < 40, 'the cap was never reached');
    }
    assert.equal(checked, 50, 'exactly the cap of guesses was checked');
    const owner = await failure(
      loginPatron(ctx, { cardNumber: p.cardNumber, pin: PIN, publicTerminal: false }, uniqueIp()),
    );
    assert.ok(owner instanceof TooManyRequestsError, 'while the cap is full, nobody gets in');
    assert.equal(owner.retryAfterSeconds, 15 * 60);
    // One guess is forgiven every 15 minutes: at most 96 more a day.
    clock.advance(15 * MINUTE);
    assert.ok(
      (await failure(
        loginPatron(ctx, { cardNumber: p.cardNumber, pin: '11223344', publicTerminal: false }, uniqueIp()),
      )) instanceof UnauthenticatedError,
    );
    assert.ok(
      (await failure(
        loginPatron(ctx, { cardNumber: p.cardNumber, pin: '11223344', publicTerminal: false }, uniqueIp()),
      )) instanceof TooManyRequestsError,
    );
    clock.advance(15 * MINUTE);
    assert.equal(
      (await loginPatron(ctx, { cardNumber: p.cardNumber, pin: PIN, publicTerminal: false }, uniqueIp()))
        .actor.id,
      p.id,
    );

    const warnings = logs.filter((l) => l.includes('sign-in.sustained-failures'));
    assert.ok(warnings.length >= 2, 'a warning at half the cap and when it is full');
    for (const w of warnings) {
      const line = JSON.parse(w) as { level: number; failures: number };
      assert.equal(line.level, 40, 'logged at warn level');
      assert.equal(typeof line.failures, 'number');
      assert.ok(!w.includes(p.cardNumber) && !/198\.19\./.test(w), 'no card number or address');
    }
  });

  test('failures slow down per client address across many cards, and only that address (A3)', async () => {
    const { ctx } = env();
    const ip = uniqueIp();
    for (let i = 0; i < 21; i++) {
      const e = await failure(
        loginPatron(ctx, { cardNumber: uniqueCard(), pin: PIN, publicTerminal: false }, ip),
      );
      assert.ok(e instanceof UnauthenticatedError, `attempt ${i + 1}`);
    }
    const p = await makePatron(env());
    assert.ok(
      (await failure(
        loginPatron(ctx, { cardNumber: p.cardNumber, pin: PIN, publicTerminal: false }, ip),
      )) instanceof TooManyRequestsError,
    );
    assert.equal(
      (await loginPatron(ctx, { cardNumber: p.cardNumber, pin: PIN, publicTerminal: false }, uniqueIp()))
        .actor.id,
      p.id,
    );
    assert.deepEqual(await findValueEverywhere(ctx, ip), [], 'the address is stored nowhere');
  });

  test('a public computer signs out after the short idle time; a private one after the long one (A4)', async () => {
    const { ctx, clock, config } = env();
    const p = await makePatron(env());
    const pub = await loginPatron(
      ctx,
      { cardNumber: p.cardNumber, pin: PIN, publicTerminal: true },
      uniqueIp(),
    );
    const home = await loginPatron(
      ctx,
      { cardNumber: p.cardNumber, pin: PIN, publicTerminal: false },
      uniqueIp(),
    );
    assert.equal(pub.actor.publicTerminal, true);
    const shortIdle = config.patronSession.publicIdleMinutes * MINUTE;
    clock.advance(shortIdle - MINUTE);
    assert.ok(await authenticatePatronSession(ctx, pub.token), 'still signed in just before the time-out');
    clock.advance(shortIdle - MINUTE);
    assert.ok(await authenticatePatronSession(ctx, pub.token), 'activity pushed the time-out back');
    clock.advance(shortIdle + 1);
    assert.equal(await authenticatePatronSession(ctx, pub.token), null, 'idle too long on a public computer');
    assert.ok(await authenticatePatronSession(ctx, home.token), 'the private session lives on');
    clock.advance(config.patronSession.idleMinutes * MINUTE + 1);
    assert.equal(await authenticatePatronSession(ctx, home.token), null);
    assert.equal(await countPatronSessionsOf(ctx.db, p.id), 0, 'expired sessions are deleted when seen');
  });

  test('sessions end at the absolute limit however active; sign-out deletes the row; forged cookies fail', async () => {
    const { ctx, clock, config } = env();
    const p = await makePatron(env());
    const s = await loginPatron(
      ctx,
      { cardNumber: p.cardNumber, pin: PIN, publicTerminal: false },
      uniqueIp(),
    );
    for (let t = 0; t < config.patronSession.maxHours * 60; t += 10) {
      clock.advance(10 * MINUTE);
      if (t + 10 < config.patronSession.maxHours * 60)
        assert.ok(await authenticatePatronSession(ctx, s.token));
    }
    assert.equal(await authenticatePatronSession(ctx, s.token), null);
    const t2 = await loginPatron(
      ctx,
      { cardNumber: p.cardNumber, pin: PIN, publicTerminal: false },
      uniqueIp(),
    );
    const [id] = t2.token.split('.');
    assert.equal(await authenticatePatronSession(ctx, `${id}.${'x'.repeat(43)}`), null);
    await logoutPatron(ctx, `${id}.${'x'.repeat(43)}`);
    assert.equal(await countPatronSessionsOf(ctx.db, p.id), 1, 'a guessed secret cannot sign anyone out');
    await logoutPatron(ctx, t2.token);
    assert.equal(await countPatronSessionsOf(ctx.db, p.id), 0);
    assert.equal(await authenticatePatronSession(ctx, t2.token), null);
  });

  test('after a staff reset the patron must choose a new PIN; changing it ends the other sessions', async () => {
    const { ctx } = env();
    const p = await makePatron(env());
    const other = await loginPatron(
      ctx,
      { cardNumber: p.cardNumber, pin: PIN, publicTerminal: false },
      uniqueIp(),
    );
    const oneTime = await resetPin(ctx, system, p.id);
    assert.equal(
      await authenticatePatronSession(ctx, other.token),
      null,
      'a reset signs the patron out everywhere',
    );
    const a = await loginPatron(
      ctx,
      { cardNumber: p.cardNumber, pin: oneTime, publicTerminal: false },
      uniqueIp(),
    );
    const b = await loginPatron(
      ctx,
      { cardNumber: p.cardNumber, pin: oneTime, publicTerminal: false },
      uniqueIp(),
    );
    assert.equal(a.actor.mustChangePin, true);
    const bad = await failure(
      viaEdge(changePinSchema, { currentPin: oneTime, newPin: '111111', confirmPin: '111111' }, (v) =>
        changePin(ctx, a.actor, v),
      ),
    );
    assert.ok(bad instanceof ValidationError);
    assert.match(bad.fields.newPin ?? '', /too easy/);
    const wrong = await failure(
      viaEdge(changePinSchema, { currentPin: '99999999', newPin: '73910462', confirmPin: '73910462' }, (v) =>
        changePin(ctx, a.actor, v),
      ),
    );
    assert.ok(wrong instanceof ValidationError);
    assert.match(wrong.fields.currentPin ?? '', /not your current PIN/);
    const differ = await failure(
      viaEdge(changePinSchema, { currentPin: oneTime, newPin: '73910462', confirmPin: '73910463' }, (v) =>
        changePin(ctx, a.actor, v),
      ),
    );
    assert.ok(differ instanceof ValidationError && differ.fields.confirmPin);
    await viaEdge(changePinSchema, { currentPin: oneTime, newPin: '73910462', confirmPin: '73910462' }, (v) =>
      changePin(ctx, a.actor, v),
    );
    assert.equal((await authenticatePatronSession(ctx, a.token))?.mustChangePin, false, 'this session stays');
    assert.equal(await authenticatePatronSession(ctx, b.token), null, 'the other session ended');
    assert.ok(
      await loginPatron(
        ctx,
        { cardNumber: p.cardNumber, pin: '73910462', publicTerminal: false },
        uniqueIp(),
      ),
    );
    assert.deepEqual(await findValueEverywhere(ctx, '73910462'), []);
    assert.deepEqual(await findValueEverywhere(ctx, oneTime), []);
  });

  test('closing one’s own account needs the PIN and nothing out, then deletes everything (A5)', async () => {
    const { ctx } = env();
    const p = await makePatron(env(), { email: 'closer.zq@example.org' });
    const s = await loginPatron(
      ctx,
      { cardNumber: p.cardNumber, pin: PIN, publicTerminal: false },
      uniqueIp(),
    );
    const wrongPin = await failure(closeOwnAccount(ctx, s.actor, { pin: '10293847' }));
    assert.ok(wrongPin instanceof ValidationError && wrongPin.fields.pin);
    await ctx.db.updateTable('patrons').set({ open_loans: 1 }).where('id', '=', p.id).execute();
    const out = await failure(closeOwnAccount(ctx, s.actor, { pin: PIN }));
    assert.ok(out instanceof ConflictError);
    assert.match(out.message, /1 item is still checked out/);
    await ctx.db.updateTable('patrons').set({ open_loans: 0 }).where('id', '=', p.id).execute();
    await closeOwnAccount(ctx, s.actor, { pin: PIN });
    assert.equal(await findPatronById(ctx.db, p.id), undefined);
    assert.equal(await countPatronSessionsOf(ctx.db, p.id), 0);
    for (const v of [p.cardNumber, p.name, 'closer.zq@example.org'])
      assert.deepEqual(await findValueEverywhere(ctx, v), [], v);
  });
});
