// Shared by the case-file tests: an intake as the desk would type it, files that look like what
// they claim, cases with a longer log, and the raw bytes of a SQLite database and its WAL.
import fs from 'node:fs';
import path from 'node:path';
import type { TestEnv } from '../../../test/support/env.ts';
import { parseInput } from '../../validation.ts';
import { makeStaff } from '../staff/staff.fixtures.ts';
import { setStaffDirector } from '../staff/staff.service.ts';
import type { StaffActor } from '../staff/staff.policy.ts';
import type { Role } from '../staff/roles.ts';
import { appendEvent } from './legal.log.ts';
import { intakeSchema, type IntakeInput } from './legal.schemas.ts';
import { caseKey, openCase } from './legal.service.ts';

export const VISITOR = 'Inspector Marlowe Quennell';
export const AGENCY = 'Riverton Bureau of Zetetic Inquiry';
export const SCAN_TEXT = 'SUBPOENA-SCAN-xq7-patron-records';

/** A PNG signature followed by recognisable text. */
export const pngScan = (): Uint8Array =>
  Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(SCAN_TEXT)]);

/** The raw input of an intake form, overridable field by field. */
export const rawIntake = (env: TestEnv, over: Record<string, unknown> = {}): Record<string, unknown> => ({
  instrument: 'subpoena',
  visitorName: VISITOR,
  agency: AGENCY,
  idShown: 'Badge 4471',
  idCheck: 'Looked at the badge and called the agency’s front desk.',
  arrivedAt: new Date(env.clock.now().getTime() - 10 * 60_000).toISOString(),
  request: 'Every record of the patron with card 21234000099999 since January.',
  attachments: [{ name: 'subpoena-page-1.png', mediaType: 'image/png', bytes: pngScan() }],
  ...over,
});

export const intake = (env: TestEnv, over: Record<string, unknown> = {}): IntakeInput =>
  parseInput(intakeSchema, rawIntake(env, over));

/**
 * A staff member with `roles`, as the actor a signed-in session gives; with `director`, an
 * administrator flagged as the director the way `carrel staff director` does it.
 */
export async function staffActor(
  env: TestEnv,
  roles: Role[],
  opts: { director?: boolean } = {},
): Promise<StaffActor> {
  const s = await makeStaff(env, roles);
  if (opts.director) await setStaffDirector(env.ctx, { kind: 'system' }, s.username, true);
  return {
    kind: 'staff',
    id: s.staff.id,
    username: s.username,
    displayName: `Name of ${s.username}`,
    roles,
    mustChangePassword: false,
    isDirector: opts.director === true,
  };
}

/** Opens a case and appends `extra` more events (triage, notes), as the state machine will. */
export async function caseWithEvents(env: TestEnv, actor: StaffActor, extra: number): Promise<string> {
  const { caseId } = await openCase(env.ctx, actor, intake(env));
  const key = caseKey(env.ctx);
  for (let i = 0; i < extra; i++) {
    env.clock.advance(60_000);
    await env.ctx.db.transaction().execute((trx) =>
      appendEvent(trx, env.clock, key, caseId, {
        actorId: actor.id,
        kind: i === 0 ? 'transition' : 'note',
        toState: 'triage',
        reason: `Step ${i + 1}: reviewed the papers.`,
      }),
    );
  }
  return caseId;
}

/** Every byte of the SQLite database file and its WAL. */
export function sqliteBytes(env: TestEnv): Buffer {
  const db = env.config.database.location;
  return Buffer.concat(
    [db, `${db}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(path.resolve(f))),
  );
}
