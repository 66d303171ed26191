// Minimal catalog and patron rows for circulation tests, inserted directly (the import and
// registration services have their own tests).
import { iso } from '../../src/clock.ts';
import type { AppContext } from '../../src/context.ts';
import { newId } from '../../src/ids.ts';
import type { StaffActor } from '../../src/features/staff/staff.policy.ts';

/** A circulation desk's staff member, for services that take an actor (no account row needed). */
export const deskActor: StaffActor = {
  kind: 'staff',
  id: 'staff-desk',
  username: 'desk',
  displayName: 'Desk',
  roles: ['circulation'],
  mustChangePassword: false,
};

let seq = 0;
const unique = () => `${process.pid}${Date.now() % 100000}${++seq}`;

export async function addRecord(
  ctx: AppContext,
  opts: { title?: string; format?: string } = {},
): Promise<{ id: string; title: string }> {
  const id = newId();
  const title = opts.title ?? `Title ${unique()}`;
  const now = iso(ctx.clock.now());
  await ctx.db
    .insertInto('bib_records')
    .values({
      id,
      control_number: `t${unique()}`,
      title,
      author: 'Author, Test',
      format: opts.format ?? 'book',
      language: 'eng',
      pub_year: 2001,
      publisher: null,
      isbn: null,
      issn: null,
      subjects: null,
      series: null,
      notes: null,
      marc: JSON.stringify({ leader: '00000nam a2200000 a 4500', fields: [] }),
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { id, title };
}

export async function addItem(
  ctx: AppContext,
  bibId: string,
  opts: { branch?: string; materialType?: string; barcode?: string } = {},
): Promise<{ id: string; barcode: string }> {
  const id = newId();
  const barcode = opts.barcode ?? `39${unique()}`;
  const now = iso(ctx.clock.now());
  await ctx.db
    .insertInto('items')
    .values({
      id,
      bib_id: bibId,
      barcode,
      call_number: 'FIC TEST',
      branch_code: opts.branch ?? 'MAIN',
      location: 'Adult fiction',
      material_type: opts.materialType ?? 'book',
      status: 'available',
      transit_to: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { id, barcode };
}

export async function addPatron(
  ctx: AppContext,
  opts: {
    name?: string;
    home?: string;
    keepHistory?: boolean;
    ageBand?: string | null;
    cardExpiresAt?: string;
    blockReason?: string;
  } = {},
): Promise<{ id: string; cardNumber: string; name: string }> {
  const id = newId();
  const cardNumber = `2${unique()}`.padEnd(14, '7');
  const name = opts.name ?? `Patron ${unique()}`;
  const now = iso(ctx.clock.now());
  await ctx.db
    .insertInto('patrons')
    .values({
      id,
      card_number: cardNumber,
      name,
      home_branch: opts.home ?? 'MAIN',
      email: null,
      phone: null,
      age_band: opts.ageBand ?? 'adult',
      pin_hash: '$argon2id$v=19$m=19456,t=2,p=1$fixture$fixture',
      pin_must_change: 0,
      card_expires_at: opts.cardExpiresAt ?? '2030-01-01T00:00:00.000Z',
      block_reason: opts.blockReason ?? null,
      blocked_at: opts.blockReason ? now : null,
      keep_history: opts.keepHistory ? 1 : 0,
      open_loans: 0,
      notice_email: 1,
      notice_titles: 0,
      email_undeliverable_at: null,
      announcements_consent_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { id, cardNumber, name };
}
