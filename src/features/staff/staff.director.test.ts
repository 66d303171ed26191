// The director flag (issue 15 item 2; L2) on both databases: set and cleared through the real
// `carrel staff director` command, loaded with the actor at sign-in and on every request, refused
// with one line for an account that is not an administrator, and cleared when the role is taken away.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { carrel } from '../../../test/support/cli.ts';
import { describeEachDialect, type TestEnv } from '../../../test/support/env.ts';
import { makeStaff, signIn, system, uniqueIp } from './staff.fixtures.ts';
import { authenticateSession, getStaff, updateStaffAccount } from './staff.service.ts';

const cliEnv = (e: TestEnv) => ({
  DATA_DIR: e.dataDir,
  CARREL_SECRET: 'test-secret-test-secret-test-secret-0123',
  LOG_LEVEL: 'warn',
  ...(e.dialect === 'postgres' ? { DATABASE_URL: e.config.database.location } : {}),
});

describeEachDialect('the director flag', (env) => {
  test('carrel staff director sets and clears it; sign-in and each request carry it (L2)', async () => {
    const e = env();
    const admin = await makeStaff(e, ['admin']);
    const before = await signIn(e.ctx, { username: admin.username, password: admin.password }, uniqueIp());
    assert.equal(before.actor.isDirector, false, 'nobody is the director at first');

    const on = await carrel(['staff', 'director', admin.username, '--on'], cliEnv(e));
    assert.deepEqual([on.code, on.stdout, on.stderr], [0, `${admin.username} is now the director.\n`, '']);
    assert.equal((await getStaff(e.ctx, system, admin.staff.id)).isDirector, true);
    assert.equal((await authenticateSession(e.ctx, before.token))?.isDirector, true, 'the open session too');
    const signedIn = await signIn(e.ctx, { username: admin.username, password: admin.password }, uniqueIp());
    assert.equal(signedIn.actor.isDirector, true);

    const off = await carrel(['staff', 'director', admin.username, '--off'], cliEnv(e));
    assert.deepEqual([off.code, off.stdout], [0, `${admin.username} is not the director.\n`]);
    assert.equal((await authenticateSession(e.ctx, signedIn.token))?.isDirector, false);
  });

  test('only an administrator may be the director: others refused with one line, nothing changed', async () => {
    const e = env();
    const desk = await makeStaff(e, ['circulation', 'counsel']);
    const r = await carrel(['staff', 'director', desk.username, '--on'], cliEnv(e));
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `carrel: ${desk.username} is not an administrator; only an administrator can be the director.\n`,
    );
    assert.equal((await getStaff(e.ctx, system, desk.staff.id)).isDirector, false);

    const unknown = await carrel(['staff', 'director', 'nosuchperson', '--on'], cliEnv(e));
    assert.deepEqual(
      [unknown.code, unknown.stderr],
      [1, 'carrel: There is no staff account named nosuchperson.\n'],
    );
    const neither = await carrel(['staff', 'director', desk.username], cliEnv(e));
    assert.deepEqual([neither.code, neither.stderr], [2, 'carrel: say --on or --off.\n']);
    const both = await carrel(['staff', 'director', desk.username, '--on', '--off'], cliEnv(e));
    assert.equal(both.code, 2);
    assert.equal(both.stderr.trim().split('\n')[0]?.startsWith('error:'), true, both.stderr);
  });

  test('taking the administrator role away clears the flag', async () => {
    const e = env();
    await makeStaff(e, ['admin']); // so the director is not the last administrator
    const director = await makeStaff(e, ['admin']);
    assert.equal((await carrel(['staff', 'director', director.username, '--on'], cliEnv(e))).code, 0);
    await updateStaffAccount(e.ctx, system, director.staff.id, {
      displayName: 'Former director',
      roles: ['reference'],
    });
    assert.equal((await getStaff(e.ctx, system, director.staff.id)).isDirector, false);
  });
});
