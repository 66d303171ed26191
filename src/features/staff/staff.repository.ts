// SQL for staff accounts, roles and sessions. Nothing else in the feature writes SQL.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DialectOps } from '../../db/dialects.ts';
import { keepPrepared } from '../../db/pg-driver.ts';
import type { DB } from '../../db/schema.ts';
import type { StaffTable } from './staff.table.ts';
import { isRole, type Role } from './roles.ts';

type Db = Kysely<DB> | Transaction<DB>;

export interface StaffMember {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  isDisabled: boolean;
  mustChangePassword: boolean;
  isDirector: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface StaffWithHash extends StaffMember {
  passwordHash: string;
}

async function rolesFor(db: Db, ids: string[]): Promise<Map<string, Role[]>> {
  const map = new Map<string, Role[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return map;
  const rows = await db
    .selectFrom('staff_roles')
    .select(['staff_id', 'role'])
    .where('staff_id', 'in', ids)
    .orderBy('role')
    .execute();
  for (const r of rows) if (isRole(r.role)) map.get(r.staff_id)?.push(r.role);
  return map;
}

const columns = [
  'id',
  'username',
  'display_name',
  'password_hash',
  'is_disabled',
  'must_change_password',
  'is_director',
  'created_at',
  'updated_at',
] as const;

export async function findStaffByUsername(db: Db, username: string): Promise<StaffWithHash | undefined> {
  const row = await db
    .selectFrom('staff')
    .select(columns)
    .where('username', '=', username)
    .executeTakeFirst();
  if (!row) return undefined;
  const roles = (await rolesFor(db, [row.id])).get(row.id) ?? [];
  return toStaff(row, roles);
}

export async function findStaffById(db: Db, id: string): Promise<StaffWithHash | undefined> {
  const row = await db.selectFrom('staff').select(columns).where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return toStaff(row, (await rolesFor(db, [row.id])).get(row.id) ?? []);
}

function toStaff(row: Selectable<Pick<StaffTable, (typeof columns)[number]>>, roles: Role[]): StaffWithHash {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    passwordHash: row.password_hash,
    roles,
    isDisabled: row.is_disabled === 1,
    mustChangePassword: row.must_change_password === 1,
    isDirector: row.is_director === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function findAllStaff(db: Db, limit = 1000): Promise<StaffMember[]> {
  const rows = await db.selectFrom('staff').select(columns).orderBy('username').limit(limit).execute();
  const roles = await rolesFor(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => {
    const { passwordHash: _omit, ...rest } = toStaff(r, roles.get(r.id) ?? []);
    return rest;
  });
}

export async function countStaff(db: Db): Promise<number> {
  const row = await db
    .selectFrom('staff')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Ids of the active administrators, locked until the transaction ends, so two administrators
 * demoting each other at the same moment cannot both succeed.
 */
export async function lockActiveAdmins(db: Db, ops: DialectOps): Promise<string[]> {
  const rows = await db
    .selectFrom('staff')
    .innerJoin('staff_roles', 'staff_roles.staff_id', 'staff.id')
    .select('staff.id')
    .where('staff_roles.role', '=', 'admin')
    .where('staff.is_disabled', '=', 0)
    .orderBy('staff.id')
    .modifyEnd(ops.forUpdate())
    .execute();
  return rows.map((r) => r.id);
}

export async function insertStaff(
  db: Db,
  s: {
    id: string;
    username: string;
    displayName: string;
    passwordHash: string;
    mustChangePassword: boolean;
    nowIso: string;
    roles: Role[];
  },
): Promise<void> {
  await db
    .insertInto('staff')
    .values({
      id: s.id,
      username: s.username,
      display_name: s.displayName,
      password_hash: s.passwordHash,
      is_disabled: 0,
      must_change_password: s.mustChangePassword ? 1 : 0,
      created_at: s.nowIso,
      updated_at: s.nowIso,
      password_changed_at: s.nowIso,
    })
    .execute();
  await replaceStaffRoles(db, s.id, s.roles);
}

export async function replaceStaffRoles(db: Db, staffId: string, roles: Role[]): Promise<void> {
  await db.deleteFrom('staff_roles').where('staff_id', '=', staffId).execute();
  if (roles.length)
    await db
      .insertInto('staff_roles')
      .values(roles.map((role) => ({ staff_id: staffId, role })))
      .execute();
}

export async function updateStaff(
  db: Db,
  id: string,
  set: {
    displayName?: string;
    isDisabled?: boolean;
    passwordHash?: string;
    mustChangePassword?: boolean;
    nowIso: string;
  },
): Promise<void> {
  await db
    .updateTable('staff')
    .set({
      updated_at: set.nowIso,
      ...(set.displayName !== undefined && { display_name: set.displayName }),
      ...(set.isDisabled !== undefined && { is_disabled: set.isDisabled ? 1 : 0 }),
      ...(set.passwordHash !== undefined && {
        password_hash: set.passwordHash,
        password_changed_at: set.nowIso,
      }),
      ...(set.mustChangePassword !== undefined && { must_change_password: set.mustChangePassword ? 1 : 0 }),
    })
    .where('id', '=', id)
    .execute();
}

/** Sets or clears the director flag (the service checks that the account is an administrator). */
export async function setDirector(db: Db, id: string, on: boolean, nowIso: string): Promise<void> {
  await db
    .updateTable('staff')
    .set({ is_director: on ? 1 : 0, updated_at: nowIso })
    .where('id', '=', id)
    .execute();
}

export async function insertSession(
  db: Db,
  s: {
    id: string;
    secretHash: string;
    staffId: string;
    nowIso: string;
    expiresAt: string;
    absoluteExpiresAt: string;
  },
): Promise<void> {
  await db
    .insertInto('staff_sessions')
    .values({
      id: s.id,
      secret_hash: s.secretHash,
      staff_id: s.staffId,
      created_at: s.nowIso,
      last_seen_at: s.nowIso,
      expires_at: s.expiresAt,
      absolute_expires_at: s.absoluteExpiresAt,
    })
    .execute();
}

export async function findSession(db: Db, id: string) {
  return db
    .selectFrom('staff_sessions')
    .select(['id', 'secret_hash', 'staff_id', 'last_seen_at', 'expires_at', 'absolute_expires_at'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * A session with its staff member and roles, for every staff request, in one statement: the roles
 * come joined (one row per role) rather than from a second query, so each staff request costs one
 * round trip on PostgreSQL before its own work starts (bench/README.md, "circulation").
 */
export async function findSessionWithStaff(db: Db, id: string) {
  const query = db
    .selectFrom('staff_sessions')
    .innerJoin('staff', 'staff.id', 'staff_sessions.staff_id')
    .leftJoin('staff_roles', 'staff_roles.staff_id', 'staff.id')
    .select([
      'staff_sessions.id as sessionId',
      'staff_sessions.secret_hash',
      'staff_sessions.last_seen_at',
      'staff_sessions.expires_at',
      'staff_sessions.absolute_expires_at',
      'staff_roles.role',
      ...columns.map((c) => `staff.${c}` as const),
    ])
    .where('staff_sessions.id', '=', id)
    .compile();
  // Kept prepared on PostgreSQL: planning was 0.22 ms of this statement's 0.28 (db/pg-driver.ts).
  const { rows } = await db.executeQuery(keepPrepared(query));
  const row = rows[0];
  if (!row) return undefined;
  // Sorted as rolesFor() sorts them, so an actor's roles read the same whichever way it was loaded.
  const roles = rows
    .map((r) => r.role)
    .filter((r): r is Role => r !== null && isRole(r))
    .sort();
  return {
    session: {
      id: row.sessionId,
      secret_hash: row.secret_hash,
      last_seen_at: row.last_seen_at,
      expires_at: row.expires_at,
      absolute_expires_at: row.absolute_expires_at,
    },
    staff: toStaff(row, roles),
  };
}

export async function touchSession(db: Db, id: string, nowIso: string, expiresAt: string): Promise<void> {
  await db
    .updateTable('staff_sessions')
    .set({ last_seen_at: nowIso, expires_at: expiresAt })
    .where('id', '=', id)
    .execute();
}

/** What a staff session keeps for its pages: the patron open at the desk and a waiting message. */
export async function findSessionState(db: Db, id: string) {
  return db
    .selectFrom('staff_sessions')
    .select(['desk_patron_id', 'flash'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function updateSessionState(
  db: Db,
  id: string,
  state: { desk_patron_id?: string | null; flash?: string | null },
): Promise<void> {
  await db.updateTable('staff_sessions').set(state).where('id', '=', id).execute();
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('staff_sessions').where('id', '=', id).execute();
}

export async function deleteSessionsOf(db: Db, staffId: string, exceptId?: string): Promise<void> {
  let q = db.deleteFrom('staff_sessions').where('staff_id', '=', staffId);
  if (exceptId) q = q.where('id', '<>', exceptId);
  await q.execute();
}
