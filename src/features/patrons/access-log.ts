// The staff access log (A6): every staff view of a patron record writes who, when, which patron
// and why. It never holds a title or subject; only the privacy officer reads it.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { newId } from '../../ids.ts';

export const accessPurposes = {
  circulation: 'Check-out, check-in or renewal at the desk',
  holds: 'Placing or managing holds for the patron',
  'account-help': 'Helping the patron with the account',
  registration: 'Registering or updating the patron',
  'pin-reset': 'Resetting the PIN after checking ID',
} as const;
export type AccessPurpose = keyof typeof accessPurposes;

export const isAccessPurpose = (v: unknown): v is AccessPurpose =>
  typeof v === 'string' && Object.hasOwn(accessPurposes, v);

export async function logPatronAccess(
  db: Kysely<DB>,
  entry: { staffId: string; patronId: string; purpose: AccessPurpose; at: string },
): Promise<void> {
  await db
    .insertInto('patron_access_log')
    .values({
      id: newId(),
      staff_id: entry.staffId,
      patron_id: entry.patronId,
      viewed_at: entry.at,
      purpose: entry.purpose,
    })
    .execute();
}
