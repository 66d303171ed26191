// Staff accounts: creation, sign-in with throttling, sessions, passwords, roles, disabling.
// Services own the rules and the transactions; SQL lives in staff.repository.ts.
import type { Transaction } from 'kysely';
import { addMs, HOUR, iso, MINUTE } from '../../clock.ts';
import type { DB } from '../../db/schema.ts';
import type { AppContext } from '../../context.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
} from '../../errors.ts';
import { newId, newToken, sameHash, sha256 } from '../../ids.ts';
import { generatePassword, hashSecret, verifySecret } from '../../auth/passwords.ts';
import { passwordProblem } from '../../auth/password-policy.ts';
import { accountKey, attemptSucceeded, reserveAttempt, signInKeys } from '../../auth/throttle.ts';
import * as repo from './staff.repository.ts';
import { canManageStaff, type Actor, type StaffActor } from './staff.policy.ts';
import type {
  ChangePasswordValues,
  CreateStaffValues,
  LoginValues,
  UpdateStaffValues,
} from './staff.schemas.ts';

const WRONG_LOGIN = 'Wrong user name or password.';

function requireStaffManager(actor: Actor): void {
  if (!canManageStaff(actor)) throw new ForbiddenError('Only an administrator can manage staff accounts.');
}

export interface CreatedStaff {
  staff: repo.StaffMember;
  /** The generated password, to be shown once; null when the caller chose the password. */
  oneTimePassword: string | null;
}

/**
 * Creates a staff account from values checked by createStaffSchema; a generated password must be
 * changed at first sign-in.
 */
export async function createStaff(
  ctx: AppContext,
  actor: Actor,
  data: CreateStaffValues,
): Promise<CreatedStaff> {
  requireStaffManager(actor);
  if (data.password !== undefined) {
    const problem = passwordProblem(data.password, {
      username: data.username,
      displayName: data.displayName,
      libraryName: ctx.config.library.name,
    });
    if (problem) throw new ValidationError('Please correct the marked fields.', { password: problem });
  }
  const oneTimePassword = data.password === undefined ? generatePassword() : null;
  const passwordHash = await hashSecret(data.password ?? oneTimePassword!);
  const id = newId();
  await ctx.db.transaction().execute(async (trx) => {
    if (await repo.findStaffByUsername(trx, data.username)) {
      throw new ValidationError('Please correct the marked fields.', {
        username: `The user name ${data.username} is taken.`,
      });
    }
    await repo.insertStaff(trx, {
      id,
      username: data.username,
      displayName: data.displayName,
      passwordHash,
      mustChangePassword: oneTimePassword !== null,
      nowIso: iso(ctx.clock.now()),
      roles: data.roles,
    });
  });
  const staff = await repo.findStaffById(ctx.db, id);
  const { passwordHash: _h, ...member } = staff!;
  return { staff: member, oneTimePassword };
}

export async function listStaff(ctx: AppContext, actor: Actor): Promise<repo.StaffMember[]> {
  requireStaffManager(actor);
  return repo.findAllStaff(ctx.db);
}

export async function getStaff(ctx: AppContext, actor: Actor, id: string): Promise<repo.StaffMember> {
  requireStaffManager(actor);
  const s = await repo.findStaffById(ctx.db, id);
  if (!s) throw new NotFoundError('There is no such staff account.');
  const { passwordHash: _h, ...member } = s;
  return member;
}

async function findByIdOrUsername(ctx: AppContext, ref: { id?: string; username?: string }) {
  const s = ref.id
    ? await repo.findStaffById(ctx.db, ref.id)
    : await repo.findStaffByUsername(ctx.db, (ref.username ?? '').trim().toLowerCase());
  if (!s)
    throw new NotFoundError(
      ref.username ? `There is no staff account named ${ref.username}.` : 'There is no such staff account.',
    );
  return s;
}

/**
 * Guards against leaving the library without an active administrator: inside the transaction,
 * with the administrators' rows locked, `target` must not be the last one.
 */
async function assertAdminRemains(ctx: AppContext, trx: Transaction<DB>, targetId: string): Promise<void> {
  const admins = await repo.lockActiveAdmins(trx, ctx.database.ops);
  if (admins.includes(targetId) && admins.length <= 1) {
    throw new ConflictError(
      'This is the last active administrator; make someone else an administrator first.',
    );
  }
}

export async function updateStaffAccount(
  ctx: AppContext,
  actor: Actor,
  id: string,
  data: UpdateStaffValues,
): Promise<void> {
  requireStaffManager(actor);
  await findByIdOrUsername(ctx, { id });
  await ctx.db.transaction().execute(async (trx) => {
    if (!data.roles.includes('admin')) await assertAdminRemains(ctx, trx, id);
    await repo.updateStaff(trx, id, { displayName: data.displayName, nowIso: iso(ctx.clock.now()) });
    await repo.replaceStaffRoles(trx, id, data.roles);
    // Only an administrator can be the director (L2): losing the role clears the flag.
    if (!data.roles.includes('admin')) await repo.setDirector(trx, id, false, iso(ctx.clock.now()));
  });
}

/**
 * Flags an administrator as the library's director, who decides emergency requests with counsel
 * (issue 15 item 2; L2), or clears the flag. Refuses an account that is not an administrator.
 */
export async function setStaffDirector(
  ctx: AppContext,
  actor: Actor,
  username: string,
  on: boolean,
): Promise<repo.StaffMember> {
  requireStaffManager(actor);
  const s = await findByIdOrUsername(ctx, { username });
  if (on && !s.roles.includes('admin'))
    throw new ConflictError(
      `${s.username} is not an administrator; only an administrator can be the director.`,
    );
  await repo.setDirector(ctx.db, s.id, on, iso(ctx.clock.now()));
  const { passwordHash: _h, ...member } = s;
  return { ...member, isDirector: on };
}

/** Disables or re-enables an account; disabling signs it out everywhere at once. */
export async function setStaffDisabled(
  ctx: AppContext,
  actor: Actor,
  id: string,
  disabled: boolean,
): Promise<void> {
  requireStaffManager(actor);
  await findByIdOrUsername(ctx, { id });
  if (disabled && actor.kind === 'staff' && actor.id === id)
    throw new ConflictError('You cannot disable your own account.');
  await ctx.db.transaction().execute(async (trx) => {
    if (disabled) await assertAdminRemains(ctx, trx, id);
    await repo.updateStaff(trx, id, { isDisabled: disabled, nowIso: iso(ctx.clock.now()) });
    if (disabled) await repo.deleteSessionsOf(trx, id);
  });
}

/** Sets a new random password, shown once, to be changed at next sign-in; ends the account's sessions. */
export async function resetStaffPassword(
  ctx: AppContext,
  actor: Actor,
  ref: { id?: string; username?: string },
): Promise<string> {
  requireStaffManager(actor);
  const target = await findByIdOrUsername(ctx, ref);
  const password = generatePassword();
  const passwordHash = await hashSecret(password);
  await ctx.db.transaction().execute(async (trx) => {
    await repo.updateStaff(trx, target.id, {
      passwordHash,
      mustChangePassword: true,
      nowIso: iso(ctx.clock.now()),
    });
    await repo.deleteSessionsOf(trx, target.id);
  });
  // An administrator vouches for the person: guesses from elsewhere no longer hold the account back (A3).
  await attemptSucceeded(ctx.db, ctx.database.ops, [accountKey(ctx.config.secret, 'staff', target.username)]);
  return password;
}

export async function changeOwnPassword(
  ctx: AppContext,
  actor: StaffActor,
  sessionToken: string,
  data: ChangePasswordValues,
): Promise<void> {
  const problem = passwordProblem(data.newPassword, {
    username: actor.username,
    displayName: actor.displayName,
    libraryName: ctx.config.library.name,
  });
  if (problem) throw new ValidationError('Please correct the marked fields.', { newPassword: problem });
  // Guessing the current password here is throttled like signing in (A3): an unattended session
  // must not become a way to find the password.
  // The session is the source; failures also count towards the account's total over all sources.
  const keys = signInKeys(
    ctx.config.secret,
    'staff',
    actor.username,
    `session:${sessionIdOf(sessionToken) ?? ''}`,
  );
  await reserveAttempt(ctx.db, ctx.database.ops, [keys.pair, keys.account], ctx.clock.now(), ctx.logger);
  const me = await repo.findStaffById(ctx.db, actor.id);
  if (!me || !(await verifySecret(me.passwordHash, data.currentPassword))) {
    throw new ValidationError('Please correct the marked fields.', {
      currentPassword: 'That is not your current password.',
    });
  }
  await attemptSucceeded(ctx.db, ctx.database.ops, [keys.pair], [keys.account]);
  if (data.newPassword === data.currentPassword) {
    throw new ValidationError('Please correct the marked fields.', {
      newPassword: 'Choose a password different from the current one.',
    });
  }
  const passwordHash = await hashSecret(data.newPassword);
  await ctx.db.transaction().execute(async (trx) => {
    await repo.updateStaff(trx, actor.id, {
      passwordHash,
      mustChangePassword: false,
      nowIso: iso(ctx.clock.now()),
    });
    // Other sessions (another desk, a forgotten browser) end; this one stays signed in.
    await repo.deleteSessionsOf(trx, actor.id, sessionIdOf(sessionToken) ?? undefined);
  });
}

export interface LoginResult {
  token: string;
  actor: StaffActor;
}

/**
 * Signs a staff member in. Unknown names and wrong passwords answer alike and take alike long;
 * repeated failures are slowed per account and address, per address, and per account over all
 * addresses (see auth/throttle.ts), so a stranger elsewhere cannot keep the owner out (A3). The
 * address is used only in memory, to compute a keyed hash.
 */
export async function login(ctx: AppContext, data: LoginValues, clientAddress: string): Promise<LoginResult> {
  const now = ctx.clock.now();
  const keys = signInKeys(ctx.config.secret, 'staff', data.username, clientAddress);
  await reserveAttempt(ctx.db, ctx.database.ops, [keys.pair, keys.source, keys.account], now, ctx.logger);
  const staff = await repo.findStaffByUsername(ctx.db, data.username);
  const ok = await verifySecret(staff?.passwordHash ?? null, data.password);
  if (!staff || !ok || staff.isDisabled) throw new UnauthenticatedError(WRONG_LOGIN);
  await attemptSucceeded(ctx.db, ctx.database.ops, [keys.pair], [keys.source, keys.account]);
  const id = newId();
  const secret = newToken();
  const token = `${id}.${secret}`;
  const { idleMinutes, maxHours } = ctx.config.staffSession;
  const absolute = addMs(now, maxHours * HOUR);
  await repo.insertSession(ctx.db, {
    id,
    secretHash: sha256(secret),
    staffId: staff.id,
    nowIso: iso(now),
    expiresAt: iso(new Date(Math.min(addMs(now, idleMinutes * MINUTE).getTime(), absolute.getTime()))),
    absoluteExpiresAt: iso(absolute),
  });
  return { token, actor: toActor(staff) };
}

const toActor = (s: repo.StaffMember): StaffActor => ({
  kind: 'staff',
  id: s.id,
  username: s.username,
  displayName: s.displayName,
  roles: s.roles,
  mustChangePassword: s.mustChangePassword,
  isDirector: s.isDirector,
});

/** Session activity is written at most this often, to keep page views from becoming writes. */
const TOUCH_EVERY_MS = MINUTE;

/**
 * A session cookie is "<id>.<secret>": the id (time-ordered, so expired sessions are purged in
 * index order) finds the row; the secret, stored only as a hash, proves the cookie is genuine.
 */
function parseSessionToken(token: string): { id: string; secret: string } | null {
  const m = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{20,100})$/.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : null;
}

const sessionIdOf = (token: string): string | null => parseSessionToken(token)?.id ?? null;

/** The signed-in staff member for a session cookie, or null when it is unknown or expired. */
export async function authenticateSession(ctx: AppContext, token: string): Promise<StaffActor | null> {
  const parsed = parseSessionToken(token);
  if (!parsed) return null;
  const { id } = parsed;
  const found = await repo.findSessionWithStaff(ctx.db, id);
  if (!found || !sameHash(found.session.secret_hash, sha256(parsed.secret))) return null;
  const { session, staff } = found;
  const now = ctx.clock.now();
  if (Date.parse(session.expires_at) <= now.getTime()) {
    await repo.deleteSession(ctx.db, id);
    return null;
  }
  if (staff.isDisabled) {
    await repo.deleteSession(ctx.db, id);
    return null;
  }
  if (now.getTime() - Date.parse(session.last_seen_at) >= TOUCH_EVERY_MS) {
    const idleEnd = addMs(now, ctx.config.staffSession.idleMinutes * MINUTE).getTime();
    await repo.touchSession(
      ctx.db,
      id,
      iso(now),
      iso(new Date(Math.min(idleEnd, Date.parse(session.absolute_expires_at)))),
    );
  }
  return toActor(staff);
}

/**
 * What the session behind a (valid, already authenticated) cookie keeps for its pages: the patron
 * open at the circulation desk and the message waiting for the next page.
 */
export async function readSessionState(
  ctx: AppContext,
  token: string,
): Promise<{ deskPatronId: string | null; flash: string | null }> {
  const id = sessionIdOf(token);
  const row = id ? await repo.findSessionState(ctx.db, id) : undefined;
  return { deskPatronId: row?.desk_patron_id ?? null, flash: row?.flash ?? null };
}

/** Changes the desk patron and/or the waiting message of the session behind a cookie. */
export async function writeSessionState(
  ctx: AppContext,
  token: string,
  state: { deskPatronId?: string | null; flash?: string | null },
): Promise<void> {
  const id = sessionIdOf(token);
  if (!id) return;
  await repo.updateSessionState(ctx.db, id, {
    ...(state.deskPatronId !== undefined && { desk_patron_id: state.deskPatronId }),
    ...(state.flash !== undefined && { flash: state.flash }),
  });
}

/** Destroys the session on the server (A4); the cookie alone is worthless afterwards. */
export async function logout(ctx: AppContext, token: string): Promise<void> {
  const parsed = parseSessionToken(token);
  const session = parsed ? await repo.findSession(ctx.db, parsed.id) : undefined;
  // Only the holder of the secret can end a session (a guessed id cannot sign someone out).
  if (parsed && session && sameHash(session.secret_hash, sha256(parsed.secret)))
    await repo.deleteSession(ctx.db, parsed.id);
}

/** First start: creates the initial administrator when there is no staff account at all. */
export async function ensureInitialAdmin(ctx: AppContext): Promise<CreatedStaff | null> {
  if ((await repo.countStaff(ctx.db)) > 0) return null;
  try {
    return await createStaff(
      ctx,
      { kind: 'system' },
      { username: 'admin', displayName: 'Administrator', roles: ['admin'] },
    );
  } catch (err) {
    // Another instance starting at the same moment created it first.
    if (err instanceof ValidationError && err.fields.username) return null;
    throw err;
  }
}
