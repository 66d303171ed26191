// Shared by the staff account tests: unique names and client addresses, accounts made through the
// service, and the service calls fed raw input checked by the schema first, as every edge does.
import assert from 'node:assert/strict';
import type { TestEnv } from '../../../test/support/env.ts';
import type { AppContext } from '../../context.ts';
import { ValidationError } from '../../errors.ts';
import { parseInput } from '../../validation.ts';
import type { Role } from './roles.ts';
import type { Actor, StaffActor } from './staff.policy.ts';
import { changePasswordSchema, createStaffSchema, LOGIN_SUMMARY, loginSchema } from './staff.schemas.ts';
import { changeOwnPassword, createStaff, login } from './staff.service.ts';

export const system: Actor = { kind: 'system' };
export const PASSWORD = 'lantern-orchard-91-quietly';

let seq = 0;
/** A unique user name per call, so tests sharing one database never collide. */
export const uniqueName = (prefix: string) => `${prefix}${++seq}`;
let ipSeq = 0;
/** A unique client address per call (benchmarking range, RFC 2544), so throttles never overlap. */
export const uniqueIp = () => `198.18.${Math.floor(++ipSeq / 250)}.${(ipSeq % 250) + 1}`;

/** Creates an account; `password: null` lets the service generate a one-time password. */
export async function makeStaff(
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

/** createStaff on input as typed: checked by createStaffSchema first, like the form and the CLI. */
export async function createFromInput(ctx: AppContext, actor: Actor, input: unknown) {
  return createStaff(ctx, actor, parseInput(createStaffSchema, input));
}

/** Signs in with input as typed: checked by loginSchema first, like the sign-in form. */
export async function signIn(ctx: AppContext, input: unknown, clientAddress: string) {
  return login(ctx, parseInput(loginSchema, input, LOGIN_SUMMARY), clientAddress);
}

/** Changes one's password with input as typed: checked by changePasswordSchema first, like the form. */
export async function changePassword(ctx: AppContext, actor: StaffActor, token: string, input: unknown) {
  return changeOwnPassword(ctx, actor, token, parseInput(changePasswordSchema, input));
}

/** Asserts a ValidationError whose field `field` carries a message matching `message`. */
export const fieldError = (field: string, message: RegExp) => (err: unknown) => {
  assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
  assert.match(
    err.fields[field] ?? '(no message for this field)',
    message,
    `fields: ${JSON.stringify(err.fields)}`,
  );
  return true;
};

// A session cookie is "<id>.<secret>"; the row is found by the id.
export const sessionRow = (env: TestEnv, token: string) =>
  env.ctx.db
    .selectFrom('staff_sessions')
    .selectAll()
    .where('id', '=', token.split('.')[0]!)
    .executeTakeFirst();
