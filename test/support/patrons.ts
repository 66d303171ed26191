// Factories for patron tests: unique valid card numbers and patrons with a known PIN.
import type { AppContext } from '../../src/context.ts';
import { luhnDigit } from '../../src/features/patrons/card-numbers.ts';
import { registerPatron } from '../../src/features/patrons/patrons.service.ts';
import type { RegisterPatronValues } from '../../src/features/patrons/patrons.schemas.ts';
import { newId } from '../../src/ids.ts';

let seq = 0;

/** A valid card number (prefix 2, 14 digits, Luhn) no other call in this process returns. */
export function uniqueCard(): string {
  const body = `29${String(process.pid % 1000).padStart(3, '0')}${String(++seq).padStart(8, '0')}`;
  return body + luhnDigit(body);
}

export const TEST_PIN = '58213907';

/** Registers a patron with a known PIN (no forced change), as the command line would. */
export async function makePatron(ctx: AppContext, overrides: Partial<RegisterPatronValues> = {}) {
  const cardNumber = uniqueCard();
  const { patron } = await registerPatron(
    ctx,
    { kind: 'system' },
    { name: `Reader ${cardNumber.slice(-6)}`, homeBranch: 'MAIN', cardNumber, pin: TEST_PIN, ...overrides },
  );
  return patron;
}

/**
 * A title with one copy, and — for the patron — a hold on the title and a reading-history entry,
 * written directly (the circulation feature's own services are tested on their own).
 */
export async function giveHoldAndHistory(ctx: AppContext, patronId: string, title: string) {
  const now = ctx.clock.now().toISOString();
  const bibId = newId();
  const itemId = newId();
  const barcode = `3${String(++seq).padStart(8, '0')}${process.pid % 10}`;
  await ctx.db
    .insertInto('bib_records')
    .values({
      id: bibId,
      control_number: `ctl-${bibId}`,
      title,
      format: 'book',
      marc: '{}',
      created_at: now,
      updated_at: now,
    })
    .execute();
  await ctx.db
    .insertInto('items')
    .values({
      id: itemId,
      bib_id: bibId,
      barcode,
      branch_code: 'MAIN',
      material_type: 'book',
      status: 'available',
      created_at: now,
      updated_at: now,
    })
    .execute();
  await ctx.db
    .insertInto('holds')
    .values({
      id: newId(),
      patron_id: patronId,
      bib_id: bibId,
      item_id: itemId,
      pickup_branch: 'MAIN',
      placed_at: now,
      status: 'waiting',
    })
    .execute();
  await ctx.db
    .insertInto('reading_history')
    .values({ id: newId(), patron_id: patronId, bib_id: bibId, returned_on: now.slice(0, 10) })
    .execute();
  return { bibId, itemId, barcode };
}
