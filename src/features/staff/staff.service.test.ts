// Staff accounts on both databases: creation and its validation, sign-in with throttling (A2, A3),
// sessions (A4), passwords stored only as argon2id hashes, and the rules about administrators.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect, type TestEnv } from '../../../test/support/env.ts';
import { findValueEverywhere } from '../../../test/support/find-value.ts';
import { FIVE_WRONG_FROM_ONE_ADDRESS } from '../../../test/support/throttle.ts';
import { MINUTE, HOUR } from '../../clock.ts';
import {
  ConflictError,
  ForbiddenError,
  TooManyRequestsError,
  UnauthenticatedError,
  ValidationError,
} from '../../errors.ts';
import { sha256 } from '../../ids.ts';
import type { Role } from './roles.ts';
import type { Actor, StaffActor } from './staff.policy.ts';
import {
  authenticateSession,
  changeOwnPassword,
  createStaff,
  getStaff,
  listStaff,
  login,
  logout,
  resetStaffPassword,
  setStaffDisabled,
  updateStaffAccount,
} from './staff.service.ts';

const system: Actor = { kind: 'system' };
const PASSWORD = 'lantern-orchard-91-quietly';

let seq = 0;
/** A unique user name per call, so tests sharing one database never collide. */
const uniqueName = (prefix: string) => `${prefix}${++seq}`;
let ipSeq = 0;
/** A unique client address per call (benchmarking range, RFC 2544), so throttles never overlap. */
const uniqueIp = () => `198.18.${Math.floor(++ipSeq / 250)}.${(ipSeq % 250) + 1}`;

/** Creates an account; `password: null` lets the service generate a one-time password. */
async function makeStaff(
  env: TestEnv,
  roles: Role[],
  password: string | null = PASSWORD,
  username = uniqueName('staff'),
) {
  const created = await createStaff(env.ctx, system, {
    username,
    displayName: `Name of ${username}`,
    roles,
    ...(password ? { password } : {}),
  });
  return { ...created, username, password: password ?? created.oneTimePassword! };
}

/** Asserts a ValidationError whose field `field` carries a message matching `message`. */
const fieldError = (field: string, message: RegExp) => (err: unknown) => {
  assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
  assert.match(
    err.fields[field] ?? '(no message for this field)',
    message,
    `fields: ${JSON.stringify(err.fields)}`,
  );
  return true;
};

// A session cookie is "<id>.<secret>"; the row is found by the id.
const sessionRow = (env: TestEnv, token: string) =>
  env.ctx.db
    .selectFrom('staff_sessions')
    .selectAll()
    .where('id', '=', token.split('.')[0]!)
    .executeTakeFirst();

describeEachDialect('staff accounts', (env) => {
  test('creating an account rejects each bad field with a message for that field', async () => {
    const { ctx } = env();
    const ok = {
      username: uniqueName('valid'),
      displayName: 'Robin Reader',
      roles: ['circulation'],
      password: PASSWORD,
    };
    await assert.rejects(createStaff(ctx, system, { ...ok, username: 'ab' }), fieldError('username', /3–32/));
    await assert.rejects(
      createStaff(ctx, system, { ...ok, username: 'robin reader!' }),
      fieldError('username', /lower-case letters, digits/),
    );
    await assert.rejects(
      createStaff(ctx, system, { ...ok, password: 'eleven-char' }),
      fieldError('password', /at least 12 characters/),
    );
    await assert.rejects(
      createStaff(ctx, system, { ...ok, roles: [] }),
      fieldError('roles', /at least one role/),
    );
    await assert.rejects(
      createStaff(ctx, system, { ...ok, roles: undefined }),
      fieldError('roles', /at least one role/),
    );
    await assert.rejects(
      createStaff(ctx, system, { ...ok, roles: ['circulation', 'janitor'] }),
      fieldError('roles', /from the list/),
    );
    await assert.rejects(
      createStaff(ctx, system, { ...ok, displayName: '   ' }),
      fieldError('displayName', /Enter a name/),
    );
    const all = await listStaff(ctx, system);
    assert.equal(
      all.some((s) => s.username === ok.username),
      false,
      'nothing was created by the failed attempts',
    );
  });

  test('a user name that is taken (in any letter case) is a field error, not a crash', async () => {
    const { ctx } = env();
    const first = await makeStaff(env(), ['reference']);
    await assert.rejects(
      createStaff(ctx, system, {
        username: first.username.toUpperCase(),
        displayName: 'Other Person',
        roles: ['reference'],
        password: PASSWORD,
      }),
      fieldError('username', new RegExp(`${first.username} is taken`)),
    );
    assert.equal((await listStaff(ctx, system)).filter((s) => s.username === first.username).length, 1);
  });

  test('a generated one-time password must be changed at first sign-in; a chosen one need not', async () => {
    const { ctx } = env();
    const generated = await makeStaff(env(), ['circulation'], null);
    assert.match(generated.oneTimePassword ?? '', /^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    assert.equal(generated.staff.mustChangePassword, true);
    const signedIn = await login(
      ctx,
      { username: generated.username, password: generated.oneTimePassword },
      uniqueIp(),
    );
    assert.equal(signedIn.actor.mustChangePassword, true);

    const chosen = await makeStaff(env(), ['circulation']);
    assert.equal(chosen.oneTimePassword, null);
    assert.equal(chosen.staff.mustChangePassword, false);
  });

  test('signing in returns a session token and the staff member with their roles', async () => {
    const { ctx } = env();
    const s = await makeStaff(env(), ['reference', 'webmaster']);
    const res = await login(
      ctx,
      { username: `  ${s.username.toUpperCase()} `, password: s.password },
      uniqueIp(),
    );
    assert.ok(res.token.length >= 40, 'a long random token');
    assert.deepEqual(res.actor, {
      kind: 'staff',
      id: s.staff.id,
      username: s.username,
      displayName: `Name of ${s.username}`,
      roles: ['reference', 'webmaster'],
      mustChangePassword: false,
    });
    // The session look-up joins the roles in (one statement): every role, in the same order.
    assert.deepEqual(await authenticateSession(ctx, res.token), res.actor);
  });

  test('a wrong password and an unknown user name get the very same answer (A2)', async () => {
    const { ctx } = env();
    const s = await makeStaff(env(), ['circulation']);
    const ip = uniqueIp();
    const wrong = await login(ctx, { username: s.username, password: 'not-the-password-at-all' }, ip).then(
      () => assert.fail('signed in with a wrong password'),
      (e: unknown) => e,
    );
    const unknown = await login(ctx, { username: uniqueName('nobody'), password: s.password }, ip).then(
      () => assert.fail('signed in as nobody'),
      (e: unknown) => e,
    );
    assert.ok(wrong instanceof UnauthenticatedError);
    assert.ok(unknown instanceof UnauthenticatedError);
    assert.equal(wrong.message, unknown.message);
    assert.equal(wrong.message, 'Wrong user name or password.');
    await assert.rejects(
      login(ctx, { username: '', password: '' }, ip),
      ValidationError,
      'empty fields are a validation error',
    );
  });

  test('a disabled account cannot sign in, and disabling ends its sessions', async () => {
    const { ctx } = env();
    const s = await makeStaff(env(), ['circulation']);
    const before = await login(ctx, { username: s.username, password: s.password }, uniqueIp());
    await setStaffDisabled(ctx, system, s.staff.id, true);
    assert.equal(await sessionRow(env(), before.token), undefined, 'the session row is gone');
    assert.equal(await authenticateSession(ctx, before.token), null);
    await assert.rejects(login(ctx, { username: s.username, password: s.password }, uniqueIp()), {
      name: 'UnauthenticatedError',
      message: 'Wrong user name or password.',
    });
    await setStaffDisabled(ctx, system, s.staff.id, false);
    assert.ok(
      await login(ctx, { username: s.username, password: s.password }, uniqueIp()),
      'enabled again, it signs in',
    );
  });

  test('failures per user name are slowed down more and more, even for the right password, and end by themselves (A3)', async () => {
    const { ctx, clock } = env();
    const s = await makeStaff(env(), ['circulation']);
    const ip = uniqueIp();
    const attempt = (password: string) => login(ctx, { username: s.username, password }, ip);
    // Three free failures, then a fourth that is still answered normally but starts the back-off.
    for (let i = 1; i <= 4; i++)
      await assert.rejects(attempt('wrong-password-123'), UnauthenticatedError, `failure ${i}`);

    const retries: number[] = [];
    for (let round = 0; round < 3; round++) {
      const blocked = await attempt(s.password).then(
        () => assert.fail('signed in while throttled'),
        (e: unknown) => e,
      );
      assert.ok(blocked instanceof TooManyRequestsError, `round ${round}: ${String(blocked)}`);
      assert.match(blocked.message, /Too many failed sign-in attempts\. Please wait \d+ seconds?/);
      retries.push(blocked.retryAfterSeconds);
      clock.advance(blocked.retryAfterSeconds * 1000);
      await assert.rejects(
        attempt('wrong-password-123'),
        UnauthenticatedError,
        'after the wait, the password is checked again',
      );
    }
    assert.deepEqual(retries, [1, 2, 4], 'the wait doubles');

    // No permanent lock-out: the last block ends by itself, and the right password works.
    await assert.rejects(attempt(s.password), TooManyRequestsError);
    clock.advance(16 * MINUTE);
    const ok = await attempt(s.password);
    assert.equal(ok.actor.id, s.staff.id);
    // Success clears the user's record: the next mistake is free again.
    await assert.rejects(attempt('wrong-password-123'), UnauthenticatedError);
    assert.ok(await attempt(s.password));
  });

  test('a stranger’s wrong passwords from one address do not keep the owner out elsewhere; many addresses hit the cap (A3, issue 12 item 7)', async () => {
    const { ctx, clock } = env();
    const s = await makeStaff(env(), ['circulation']);
    const stranger = uniqueIp();
    const attempt = (password: string, ip: string) =>
      login(ctx, { username: s.username, password }, ip).then(
        () => 'signed in',
        (e: unknown) => (e instanceof Error ? e.name : String(e)),
      );
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) codes.push(await attempt('wrong-password-123', stranger));
    assert.deepEqual(codes, FIVE_WRONG_FROM_ONE_ADDRESS);
    assert.equal(await attempt(s.password, uniqueIp()), 'signed in', 'the owner, elsewhere, signs in');
    assert.equal(await attempt(s.password, stranger), 'TooManyRequestsError', 'the stranger still waits');

    // Spread over many addresses, the account's own bucket (50) stops the guessing, for everyone.
    const seen: string[] = [];
    for (let n = 0; n < 60 && !seen.includes('TooManyRequestsError'); n++)
      seen.push(await attempt('wrong-password-123', uniqueIp()));
    assert.equal(
      seen.filter((c) => c === 'UnauthenticatedError').length,
      50 - 4,
      'the cap counts every address',
    );
    assert.equal(await attempt(s.password, uniqueIp()), 'TooManyRequestsError');
    clock.advance(15 * MINUTE);
    assert.equal(await attempt(s.password, uniqueIp()), 'signed in', 'the cap leaks by itself');
    // Full again: an administrator's password reset empties it at once.
    for (
      let n = 0;
      n < 5 && (await attempt('wrong-password-123', uniqueIp())) !== 'TooManyRequestsError';
      n++
    );
    assert.equal(await attempt(s.password, uniqueIp()), 'TooManyRequestsError');
    const fresh = await resetStaffPassword(ctx, system, { id: s.staff.id });
    assert.equal(await attempt(fresh, uniqueIp()), 'signed in');
  });

  test('the account cap forgives one failure every 15 minutes however closely the failures follow (A3, issue 12 item 7)', async () => {
    const { ctx, clock } = env();
    const s = await makeStaff(env(), ['circulation']);
    // One wrong guess every 14 minutes, each from a new address: 4.3 an hour against the 4 an hour
    // the cap forgives (docs/patron-accounts.md), so after 60 guesses only a few are held, far from
    // the 50 that would keep the owner out. A cap that forgave only whole quarters of an hour
    // *without* a failure would forgive nothing here and be full at the 50th guess.
    const outcomes = new Set<string>();
    for (let n = 0; n < 60; n++) {
      outcomes.add(
        await login(ctx, { username: s.username, password: 'wrong-password-123' }, uniqueIp()).then(
          () => 'signed in',
          (e: unknown) => (e instanceof Error ? e.name : String(e)),
        ),
      );
      clock.advance(14 * MINUTE);
    }
    assert.deepEqual([...outcomes], ['UnauthenticatedError'], 'every guess was checked; none was refused');
    const owner = await login(ctx, { username: s.username, password: s.password }, uniqueIp());
    assert.equal(owner.actor.id, s.staff.id, 'the owner signs in');
  });

  test('failures from one client are slowed down even with a different user name each time (A3)', async () => {
    const { ctx, clock } = env();
    const s = await makeStaff(env(), ['circulation']);
    const ip = uniqueIp();
    for (let i = 1; i <= 21; i++) {
      await assert.rejects(
        login(ctx, { username: uniqueName('guess'), password: 'guessing-password' }, ip),
        UnauthenticatedError,
        `failure ${i}`,
      );
    }
    const blocked = await login(ctx, { username: s.username, password: s.password }, ip).then(
      () => assert.fail('signed in from a throttled client'),
      (e: unknown) => e,
    );
    assert.ok(blocked instanceof TooManyRequestsError);
    assert.equal(blocked.retryAfterSeconds, 1);
    // Another client is not affected by this one's failures.
    assert.ok(await login(ctx, { username: s.username, password: s.password }, uniqueIp()));
    clock.advance(1000);
    assert.ok(
      await login(ctx, { username: s.username, password: s.password }, ip),
      'the block ends by itself',
    );
  });

  test('guesses sent all at once are throttled like guesses sent one after another (A3)', async () => {
    const { ctx } = env();
    const s = await makeStaff(env(), ['circulation']);
    const ip = uniqueIp();
    const burst = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        login(ctx, { username: s.username, password: `parallel-guess-${i}` }, ip),
      ),
    );
    const checked = burst.filter(
      (r) => r.status === 'rejected' && r.reason instanceof UnauthenticatedError,
    ).length;
    // Three free failures and the fourth that starts the back-off; every other guess must wait.
    assert.ok(checked <= 4, `${checked} of 10 parallel guesses had their password checked`);
  });

  test('the throttle table holds neither user names nor client addresses, only keyed hashes', async () => {
    const { ctx } = env();
    const username = uniqueName('throttled.unknown.');
    const ip = '198.51.100.231';
    await assert.rejects(login(ctx, { username, password: 'some-wrong-password' }, ip), UnauthenticatedError);
    const rows = await ctx.db.selectFrom('login_throttle').select(['key']).execute();
    assert.ok(rows.length >= 2, 'failures were recorded');
    for (const { key } of rows) {
      assert.match(key, /^[0-9a-f]{64}$/);
      assert.ok(!key.includes(username) && !key.includes(ip));
    }
    assert.deepEqual(await findValueEverywhere(ctx, username), [], 'the unknown user name is stored nowhere');
    assert.deepEqual(await findValueEverywhere(ctx, ip), [], 'the client address is stored nowhere');
  });

  test('a session ends after the idle timeout; activity moves the timeout forward (A4)', async () => {
    const { ctx, clock, config } = env();
    const idle = config.staffSession.idleMinutes * MINUTE;
    const s = await makeStaff(env(), ['reference']);
    const { token } = await login(ctx, { username: s.username, password: s.password }, uniqueIp());
    clock.advance(idle - MINUTE);
    assert.ok(await authenticateSession(ctx, token), 'still valid just before the idle timeout');
    clock.advance(idle - MINUTE);
    assert.ok(await authenticateSession(ctx, token), 'activity extended it');
    clock.advance(idle);
    assert.equal(await authenticateSession(ctx, token), null, 'idle too long');
    assert.equal(await sessionRow(env(), token), undefined, 'the expired session row is deleted');
  });

  test('a session ends at the absolute timeout however active it is (A4)', async () => {
    const { ctx, clock, config } = env();
    const s = await makeStaff(env(), ['reference']);
    const { token } = await login(ctx, { username: s.username, password: s.password }, uniqueIp());
    const step = 20 * MINUTE;
    assert.ok(step < config.staffSession.idleMinutes * MINUTE);
    const steps = (config.staffSession.maxHours * HOUR) / step;
    for (let i = 1; i < steps; i++) {
      clock.advance(step);
      assert.ok(await authenticateSession(ctx, token), `active after ${(i * step) / MINUTE} minutes`);
    }
    clock.advance(step);
    assert.equal(
      await authenticateSession(ctx, token),
      null,
      `ended after ${config.staffSession.maxHours} hours`,
    );
    assert.equal(await sessionRow(env(), token), undefined);
  });

  test('logging out deletes the session on the server (A4)', async () => {
    const { ctx } = env();
    const s = await makeStaff(env(), ['reference']);
    const { token } = await login(ctx, { username: s.username, password: s.password }, uniqueIp());
    assert.ok(await sessionRow(env(), token));
    await logout(ctx, token);
    assert.equal(await sessionRow(env(), token), undefined);
    assert.equal(await authenticateSession(ctx, token), null);
  });

  test('the session token is stored only as a hash', async () => {
    const { ctx } = env();
    const s = await makeStaff(env(), ['reference']);
    const { token } = await login(ctx, { username: s.username, password: s.password }, uniqueIp());
    const rows = await ctx.db
      .selectFrom('staff_sessions')
      .select(['id', 'secret_hash'])
      .where('staff_id', '=', s.staff.id)
      .execute();
    const [id, secret] = token.split('.');
    assert.deepEqual(
      rows.map((r) => [r.id, r.secret_hash]),
      [[id, sha256(secret!)]],
    );
    assert.deepEqual(
      await findValueEverywhere(ctx, secret!),
      [],
      'the secret part is in no table (nor in the file)',
    );
    assert.deepEqual(
      await findValueEverywhere(ctx, token),
      [],
      'the raw token is in no table (nor in the SQLite file)',
    );
  });

  test('the password is stored only as an argon2id hash (A2)', async () => {
    const { ctx } = env();
    const password = 'unique-passphrase-7f3k9-zebra';
    const s = await makeStaff(env(), ['reference'], password);
    const row = await ctx.db
      .selectFrom('staff')
      .select(['password_hash'])
      .where('id', '=', s.staff.id)
      .executeTakeFirstOrThrow();
    assert.match(row.password_hash, /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    assert.deepEqual(await findValueEverywhere(ctx, password), []);
    assert.equal('passwordHash' in s.staff, false, 'the service does not hand the hash out');
    assert.equal('passwordHash' in (await getStaff(ctx, system, s.staff.id)), false);
  });

  test('changing one’s own password checks the current one, the confirmation and that it is new', async () => {
    const { ctx } = env();
    const s = await makeStaff(env(), ['reference']);
    const here = await login(ctx, { username: s.username, password: s.password }, uniqueIp());
    const elsewhere = await login(ctx, { username: s.username, password: s.password }, uniqueIp());
    const newPassword = 'a-brand-new-passphrase-42';
    await assert.rejects(
      changeOwnPassword(ctx, here.actor, here.token, {
        currentPassword: 'not-my-password',
        newPassword,
        confirmPassword: newPassword,
      }),
      fieldError('currentPassword', /not your current password/),
    );
    await assert.rejects(
      changeOwnPassword(ctx, here.actor, here.token, {
        currentPassword: s.password,
        newPassword,
        confirmPassword: `${newPassword}x`,
      }),
      fieldError('confirmPassword', /differ/),
    );
    await assert.rejects(
      changeOwnPassword(ctx, here.actor, here.token, {
        currentPassword: s.password,
        newPassword: s.password,
        confirmPassword: s.password,
      }),
      fieldError('newPassword', /different from the current one/),
    );
    await assert.rejects(
      changeOwnPassword(ctx, here.actor, here.token, {
        currentPassword: s.password,
        newPassword: 'too-short',
        confirmPassword: 'too-short',
      }),
      fieldError('newPassword', /at least 12 characters/),
    );
    assert.ok(await authenticateSession(ctx, elsewhere.token), 'failed attempts end no session');

    await changeOwnPassword(ctx, here.actor, here.token, {
      currentPassword: s.password,
      newPassword,
      confirmPassword: newPassword,
    });
    assert.ok(await authenticateSession(ctx, here.token), 'the session that changed it stays signed in');
    assert.equal(await authenticateSession(ctx, elsewhere.token), null, 'other sessions end');
    await assert.rejects(
      login(ctx, { username: s.username, password: s.password }, uniqueIp()),
      UnauthenticatedError,
    );
    assert.ok(await login(ctx, { username: s.username, password: newPassword }, uniqueIp()));
  });

  test('a chosen password that is common, built from a name, blank or with control characters is refused with the reason (issue 12 item 10)', async () => {
    const { ctx, config } = env();
    const username = uniqueName('pw.policy.check.');
    await assert.rejects(
      createStaff(ctx, system, {
        username,
        displayName: 'Robin Fairweather',
        roles: ['reference'],
        password: `${username}1`,
      }),
      fieldError('password', /built from your user name/),
    );
    const s = await makeStaff(env(), ['reference'], PASSWORD, uniqueName('long.user.name.'));
    const here = await login(ctx, { username: s.username, password: s.password }, uniqueIp());
    const change = (newPassword: string) =>
      changeOwnPassword(ctx, here.actor, here.token, {
        currentPassword: s.password,
        newPassword,
        confirmPassword: newPassword,
      });
    await assert.rejects(
      change('password1234'),
      fieldError('newPassword', /list of common or breached passwords/),
    );
    await assert.rejects(change(' '.repeat(12)), fieldError('newPassword', /only spaces/));
    await assert.rejects(change('\0'.repeat(12)), fieldError('newPassword', /control characters/));
    await assert.rejects(change(`${s.username}1`), fieldError('newPassword', /built from your user name/));
    await assert.rejects(
      change(`${config.library.name.replace(/ /g, '')}2024`),
      fieldError('newPassword', /library’s name/),
    );
    await change('wombat kettle under moonlight');
    assert.ok(
      await login(ctx, { username: s.username, password: 'wombat kettle under moonlight' }, uniqueIp()),
    );
  });

  test('changing a generated password clears the must-change flag', async () => {
    const { ctx } = env();
    const s = await makeStaff(env(), ['reference'], null);
    const { actor, token } = await login(ctx, { username: s.username, password: s.password }, uniqueIp());
    assert.equal(actor.mustChangePassword, true);
    await changeOwnPassword(ctx, actor, token, {
      currentPassword: s.password,
      newPassword: PASSWORD,
      confirmPassword: PASSWORD,
    });
    assert.equal((await authenticateSession(ctx, token))?.mustChangePassword, false);
  });

  test('an administrator’s password reset ends the account’s sessions and forces a change', async () => {
    const { ctx } = env();
    const s = await makeStaff(env(), ['circulation']);
    const { token } = await login(ctx, { username: s.username, password: s.password }, uniqueIp());
    const fresh = await resetStaffPassword(ctx, system, { username: s.username.toUpperCase() });
    assert.match(fresh, /^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    assert.equal(await sessionRow(env(), token), undefined, 'the old session row is deleted');
    assert.equal((await getStaff(ctx, system, s.staff.id)).mustChangePassword, true);
    await assert.rejects(
      login(ctx, { username: s.username, password: s.password }, uniqueIp()),
      UnauthenticatedError,
      'the old password is dead',
    );
    const again = await login(ctx, { username: s.username, password: fresh }, uniqueIp());
    assert.equal(again.actor.mustChangePassword, true);
    await assert.rejects(resetStaffPassword(ctx, system, { username: 'no-such-person' }), {
      name: 'NotFoundError',
    });
  });

  test('only administrators manage staff accounts', async () => {
    const { ctx } = env();
    const target = await makeStaff(env(), ['reference']);
    for (const role of ['circulation', 'reference', 'webmaster', 'privacy-officer', 'counsel'] as const) {
      const s = await makeStaff(env(), [role]);
      const { actor } = await login(ctx, { username: s.username, password: s.password }, uniqueIp());
      const id = target.staff.id;
      const attempts: Array<[string, () => Promise<unknown>]> = [
        [
          'createStaff',
          () =>
            createStaff(ctx, actor, {
              username: uniqueName('x'),
              displayName: 'X',
              roles: ['admin'],
              password: PASSWORD,
            }),
        ],
        ['listStaff', () => listStaff(ctx, actor)],
        ['getStaff', () => getStaff(ctx, actor, id)],
        [
          'updateStaffAccount',
          () => updateStaffAccount(ctx, actor, id, { displayName: 'Changed', roles: ['admin'] }),
        ],
        ['setStaffDisabled', () => setStaffDisabled(ctx, actor, id, true)],
        ['resetStaffPassword', () => resetStaffPassword(ctx, actor, { id })],
      ];
      for (const [name, run] of attempts) await assert.rejects(run(), ForbiddenError, `${role}: ${name}`);
    }
    const after = await getStaff(ctx, system, target.staff.id);
    assert.deepEqual(
      [after.displayName, after.roles, after.isDisabled],
      [`Name of ${target.username}`, ['reference'], false],
      'nothing changed',
    );
  });
});

describeEachDialect('the last active administrator', (env) => {
  test('cannot be disabled or lose the admin role; an admin cannot disable themself', async () => {
    const { ctx } = env();
    const a = await makeStaff(env(), ['admin']);
    const actorA: StaffActor = (await login(ctx, { username: a.username, password: a.password }, uniqueIp()))
      .actor;

    await assert.rejects(setStaffDisabled(ctx, system, a.staff.id, true), ConflictError);
    await assert.rejects(
      updateStaffAccount(ctx, system, a.staff.id, { displayName: 'A', roles: ['circulation'] }),
      {
        name: 'ConflictError',
        message: /last active administrator/,
      },
    );
    await assert.rejects(setStaffDisabled(ctx, actorA, a.staff.id, true), {
      name: 'ConflictError',
      message: /your own account/,
    });
    let now = await getStaff(ctx, system, a.staff.id);
    assert.deepEqual([now.roles, now.isDisabled], [['admin'], false], 'still an active administrator');

    // With a second administrator, the first may lose the role; keeping admin among others is fine.
    const b = await makeStaff(env(), ['admin', 'reference']);
    await updateStaffAccount(ctx, system, a.staff.id, { displayName: 'A', roles: ['admin', 'counsel'] });
    await assert.rejects(
      setStaffDisabled(ctx, actorA, a.staff.id, true),
      { name: 'ConflictError', message: /your own account/ },
      'never oneself',
    );
    await setStaffDisabled(ctx, actorA, b.staff.id, true);
    // B is disabled, so A is again the last active administrator.
    await assert.rejects(
      updateStaffAccount(ctx, system, a.staff.id, { displayName: 'A', roles: ['counsel'] }),
      ConflictError,
    );
    await setStaffDisabled(ctx, actorA, b.staff.id, false);
    await updateStaffAccount(ctx, system, a.staff.id, { displayName: 'A', roles: ['counsel'] });
    now = await getStaff(ctx, system, a.staff.id);
    assert.deepEqual(now.roles, ['counsel']);
    await assert.rejects(
      setStaffDisabled(ctx, system, b.staff.id, true),
      ConflictError,
      'B is now the last one',
    );
  });
});

describeEachDialect('administrators demoting each other at the same moment', (env) => {
  test('cannot both succeed: one administrator always remains', async () => {
    const e = env();
    // A database of its own kind: this suite's environment starts with no staff at all.
    const a = await makeStaff(e, ['admin']);
    const b = await makeStaff(e, ['admin']);
    const actorA = (await login(e.ctx, { username: a.username, password: a.password }, uniqueIp())).actor;
    const actorB = (await login(e.ctx, { username: b.username, password: b.password }, uniqueIp())).actor;
    const results = await Promise.allSettled([
      setStaffDisabled(e.ctx, actorA, b.staff.id, true),
      setStaffDisabled(e.ctx, actorB, a.staff.id, true),
      updateStaffAccount(e.ctx, system, a.staff.id, { displayName: 'A', roles: ['counsel'] }),
      updateStaffAccount(e.ctx, system, b.staff.id, { displayName: 'B', roles: ['counsel'] }),
    ]);
    const refused = results.filter((r) => r.status === 'rejected');
    for (const r of refused) assert.ok(r.reason instanceof ConflictError, String(r.reason));
    const admins = (await listStaff(e.ctx, system)).filter((s) => s.roles.includes('admin') && !s.isDisabled);
    assert.equal(admins.length, 1, `active administrators left: ${admins.map((s) => s.username).join(', ')}`);
  });
});
