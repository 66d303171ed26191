// Staff sessions and passwords on both databases: idle and absolute timeouts and sign-out (A4), the
// token stored only as a hash, changing one's own password, the password policy, and resets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '../../../test/support/env.ts';
import { findValueEverywhere } from '../../../test/support/find-value.ts';
import { HOUR, MINUTE } from '../../clock.ts';
import { UnauthenticatedError } from '../../errors.ts';
import { sha256 } from '../../ids.ts';
import {
  changePassword,
  createFromInput,
  fieldError,
  makeStaff,
  PASSWORD,
  sessionRow,
  signIn,
  system,
  uniqueIp,
  uniqueName,
} from './staff.fixtures.ts';
import { authenticateSession, getStaff, logout, resetStaffPassword } from './staff.service.ts';

describeEachDialect('staff sessions and passwords', (env) => {
  test('a session ends after the idle timeout; activity moves the timeout forward (A4)', async () => {
    const { ctx, clock, config } = env();
    const idle = config.staffSession.idleMinutes * MINUTE;
    const s = await makeStaff(env(), ['reference']);
    const { token } = await signIn(ctx, { username: s.username, password: s.password }, uniqueIp());
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
    const { token } = await signIn(ctx, { username: s.username, password: s.password }, uniqueIp());
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
    const { token } = await signIn(ctx, { username: s.username, password: s.password }, uniqueIp());
    assert.ok(await sessionRow(env(), token));
    await logout(ctx, token);
    assert.equal(await sessionRow(env(), token), undefined);
    assert.equal(await authenticateSession(ctx, token), null);
  });

  test('the session token is stored only as a hash', async () => {
    const { ctx } = env();
    const s = await makeStaff(env(), ['reference']);
    const { token } = await signIn(ctx, { username: s.username, password: s.password }, uniqueIp());
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

  test('changing one’s own password checks the current one, the confirmation and that it is new', async () => {
    const { ctx } = env();
    const s = await makeStaff(env(), ['reference']);
    const here = await signIn(ctx, { username: s.username, password: s.password }, uniqueIp());
    const elsewhere = await signIn(ctx, { username: s.username, password: s.password }, uniqueIp());
    const newPassword = 'a-brand-new-passphrase-42';
    await assert.rejects(
      changePassword(ctx, here.actor, here.token, {
        currentPassword: 'not-my-password',
        newPassword,
        confirmPassword: newPassword,
      }),
      fieldError('currentPassword', /not your current password/),
    );
    await assert.rejects(
      changePassword(ctx, here.actor, here.token, {
        currentPassword: s.password,
        newPassword,
        confirmPassword: `${newPassword}x`,
      }),
      fieldError('confirmPassword', /differ/),
    );
    await assert.rejects(
      changePassword(ctx, here.actor, here.token, {
        currentPassword: s.password,
        newPassword: s.password,
        confirmPassword: s.password,
      }),
      fieldError('newPassword', /different from the current one/),
    );
    await assert.rejects(
      changePassword(ctx, here.actor, here.token, {
        currentPassword: s.password,
        newPassword: 'too-short',
        confirmPassword: 'too-short',
      }),
      fieldError('newPassword', /at least 12 characters/),
    );
    assert.ok(await authenticateSession(ctx, elsewhere.token), 'failed attempts end no session');

    await changePassword(ctx, here.actor, here.token, {
      currentPassword: s.password,
      newPassword,
      confirmPassword: newPassword,
    });
    assert.ok(await authenticateSession(ctx, here.token), 'the session that changed it stays signed in');
    assert.equal(await authenticateSession(ctx, elsewhere.token), null, 'other sessions end');
    await assert.rejects(
      signIn(ctx, { username: s.username, password: s.password }, uniqueIp()),
      UnauthenticatedError,
    );
    assert.ok(await signIn(ctx, { username: s.username, password: newPassword }, uniqueIp()));
  });

  test('a chosen password that is common, built from a name, blank or with control characters is refused with the reason (issue 12 item 10)', async () => {
    const { ctx, config } = env();
    const username = uniqueName('pw.policy.check.');
    await assert.rejects(
      createFromInput(ctx, system, {
        username,
        displayName: 'Robin Fairweather',
        roles: ['reference'],
        password: `${username}1`,
      }),
      fieldError('password', /built from your user name/),
    );
    const s = await makeStaff(env(), ['reference'], PASSWORD, uniqueName('long.user.name.'));
    const here = await signIn(ctx, { username: s.username, password: s.password }, uniqueIp());
    const change = (newPassword: string) =>
      changePassword(ctx, here.actor, here.token, {
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
      await signIn(ctx, { username: s.username, password: 'wombat kettle under moonlight' }, uniqueIp()),
    );
  });

  test('changing a generated password clears the must-change flag', async () => {
    const { ctx } = env();
    const s = await makeStaff(env(), ['reference'], null);
    const { actor, token } = await signIn(ctx, { username: s.username, password: s.password }, uniqueIp());
    assert.equal(actor.mustChangePassword, true);
    await changePassword(ctx, actor, token, {
      currentPassword: s.password,
      newPassword: PASSWORD,
      confirmPassword: PASSWORD,
    });
    assert.equal((await authenticateSession(ctx, token))?.mustChangePassword, false);
  });

  test('an administrator’s password reset ends the account’s sessions and forces a change', async () => {
    const { ctx } = env();
    const s = await makeStaff(env(), ['circulation']);
    const { token } = await signIn(ctx, { username: s.username, password: s.password }, uniqueIp());
    const fresh = await resetStaffPassword(ctx, system, { username: s.username.toUpperCase() });
    assert.match(fresh, /^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    assert.equal(await sessionRow(env(), token), undefined, 'the old session row is deleted');
    assert.equal((await getStaff(ctx, system, s.staff.id)).mustChangePassword, true);
    await assert.rejects(
      signIn(ctx, { username: s.username, password: s.password }, uniqueIp()),
      UnauthenticatedError,
      'the old password is dead',
    );
    const again = await signIn(ctx, { username: s.username, password: fresh }, uniqueIp());
    assert.equal(again.actor.mustChangePassword, true);
    await assert.rejects(resetStaffPassword(ctx, system, { username: 'no-such-person' }), {
      name: 'NotFoundError',
    });
  });
});
