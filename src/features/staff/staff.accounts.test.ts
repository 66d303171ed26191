// Staff accounts on both databases: creation and its validation, one-time passwords, passwords
// stored only as argon2id hashes (A2), and the rules about administrators.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '../../../test/support/env.ts';
import { findValueEverywhere } from '../../../test/support/find-value.ts';
import { ConflictError, ForbiddenError } from '../../errors.ts';
import type { StaffActor } from './staff.policy.ts';
import {
  createFromInput,
  fieldError,
  makeStaff,
  PASSWORD,
  signIn,
  system,
  uniqueIp,
  uniqueName,
} from './staff.fixtures.ts';
import {
  createStaff,
  getStaff,
  listStaff,
  resetStaffPassword,
  setStaffDisabled,
  updateStaffAccount,
} from './staff.service.ts';

describeEachDialect('staff accounts', (env) => {
  test('creating an account rejects each bad field with a message for that field', async () => {
    const { ctx } = env();
    const ok = {
      username: uniqueName('valid'),
      displayName: 'Robin Reader',
      roles: ['circulation'],
      password: PASSWORD,
    };
    await assert.rejects(
      createFromInput(ctx, system, { ...ok, username: 'ab' }),
      fieldError('username', /3–32/),
    );
    await assert.rejects(
      createFromInput(ctx, system, { ...ok, username: 'robin reader!' }),
      fieldError('username', /lower-case letters, digits/),
    );
    await assert.rejects(
      createFromInput(ctx, system, { ...ok, password: 'eleven-char' }),
      fieldError('password', /at least 12 characters/),
    );
    await assert.rejects(
      createFromInput(ctx, system, { ...ok, roles: [] }),
      fieldError('roles', /at least one role/),
    );
    await assert.rejects(
      createFromInput(ctx, system, { ...ok, roles: undefined }),
      fieldError('roles', /at least one role/),
    );
    await assert.rejects(
      createFromInput(ctx, system, { ...ok, roles: ['circulation', 'janitor'] }),
      fieldError('roles', /from the list/),
    );
    await assert.rejects(
      createFromInput(ctx, system, { ...ok, displayName: '   ' }),
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
      createFromInput(ctx, system, {
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
    const signedIn = await signIn(
      ctx,
      { username: generated.username, password: generated.oneTimePassword },
      uniqueIp(),
    );
    assert.equal(signedIn.actor.mustChangePassword, true);

    const chosen = await makeStaff(env(), ['circulation']);
    assert.equal(chosen.oneTimePassword, null);
    assert.equal(chosen.staff.mustChangePassword, false);
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

  test('only administrators manage staff accounts', async () => {
    const { ctx } = env();
    const target = await makeStaff(env(), ['reference']);
    for (const role of ['circulation', 'reference', 'webmaster', 'privacy-officer', 'counsel'] as const) {
      const s = await makeStaff(env(), [role]);
      const { actor } = await signIn(ctx, { username: s.username, password: s.password }, uniqueIp());
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
    const actorA: StaffActor = (await signIn(ctx, { username: a.username, password: a.password }, uniqueIp()))
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
    const actorA = (await signIn(e.ctx, { username: a.username, password: a.password }, uniqueIp())).actor;
    const actorB = (await signIn(e.ctx, { username: b.username, password: b.password }, uniqueIp())).actor;
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
