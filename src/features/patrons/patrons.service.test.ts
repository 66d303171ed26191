// Patron accounts as staff handle them, on both databases: registration (A1), PIN hashing (A2),
// the access log for every staff action and who may read it (A6), blocks, renewals and closing.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDialect, type TestEnv } from '../../../test/support/env.ts';
import { findValueEverywhere } from '../../../test/support/find-value.ts';
import { giveHoldAndHistory, uniqueCard } from '../../../test/support/patrons.ts';
import { DAY } from '../../clock.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import { createStaff } from '../staff/staff.service.ts';
import type { Role } from '../staff/roles.ts';
import type { StaffActor } from '../staff/staff.policy.ts';
import { luhnDigit } from './card-numbers.ts';
import { findPatronById } from './patrons.repository.ts';
import type { AppContext } from '../../context.ts';
import type { Actor } from '../staff/staff.policy.ts';
import { viaEdge } from '../../../test/support/edge.ts';
import {
  accessLogQuerySchema,
  blockSchema,
  lookupSchema,
  registerPatronSchema,
  resetPinSchema,
  updatePatronSchema,
} from './patrons.schemas.ts';
import * as service from './patrons.service.ts';

const { closePatronAccount, renewCard, unblockPatron, viewPatron } = service;

// The services as the staff pages and the API call them: raw values through the schema the edge
// parses with, then the service, so these tests check what a person typing would be told.
type Raw = Record<string, unknown>;
const registerPatron = (ctx: AppContext, actor: Actor, raw: Raw) =>
  viaEdge(registerPatronSchema(ctx.config.library), raw, (v) => service.registerPatron(ctx, actor, v));
const findPatrons = (ctx: AppContext, actor: Actor, raw: Raw) =>
  viaEdge(lookupSchema, raw, (v) => service.findPatrons(ctx, actor, v));
const updatePatronDetails = (ctx: AppContext, actor: Actor, id: string, raw: Raw) =>
  viaEdge(updatePatronSchema(ctx.config.library), raw, (v) => service.updatePatronDetails(ctx, actor, id, v));
const blockPatron = (ctx: AppContext, actor: Actor, id: string, raw: Raw) =>
  viaEdge(blockSchema, raw, (v) => service.blockPatron(ctx, actor, id, v));
const resetPin = (ctx: AppContext, actor: Actor, id: string, raw: Raw) =>
  viaEdge(resetPinSchema, raw, () => service.resetPin(ctx, actor, id));
const readAccessLog = (ctx: AppContext, actor: Actor, raw: Raw) =>
  viaEdge(accessLogQuerySchema, raw, (v) => service.readAccessLog(ctx, actor, v));

let seq = 0;

async function staffActor(env: TestEnv, roles: Role[]): Promise<StaffActor> {
  const username = `ps${++seq}${roles
    .join('')
    .replace(/[^a-z]/g, '')
    .slice(0, 8)}`;
  const { staff } = await createStaff(
    env.ctx,
    { kind: 'system' },
    {
      username,
      displayName: `Desk ${username}`,
      roles,
      password: 'correct horse battery staple',
    },
  );
  return {
    kind: 'staff',
    id: staff.id,
    username,
    displayName: staff.displayName,
    roles,
    mustChangePassword: false,
  };
}

const fieldError = (field: string, message: RegExp) => (err: unknown) => {
  assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
  assert.match(err.fields[field] ?? '', message, JSON.stringify(err.fields));
  return true;
};

async function accessLogOf(env: TestEnv, patronId: string) {
  return env.ctx.db
    .selectFrom('patron_access_log')
    .select(['staff_id', 'purpose', 'viewed_at'])
    .where('patron_id', '=', patronId)
    .orderBy('id')
    .execute();
}

describeEachDialect('patron registration and staff actions', (env) => {
  let desk: StaffActor;
  let privacy: StaffActor;
  before(async () => {
    desk = await staffActor(env(), ['circulation']);
    privacy = await staffActor(env(), ['privacy-officer']);
  });

  test('registration stores only what circulation needs, a hashed one-time PIN and the card expiry', async () => {
    const { ctx, clock } = env();
    const created = await registerPatron(ctx, desk, {
      name: 'Ada Quillfeather',
      homeBranch: 'MAIN',
      email: 'ada.q@example.org',
      phone: '',
      ageBand: 'adult',
    });
    assert.match(created.oneTimePin!, /^\d{8}$/);
    const p = created.patron;
    assert.match(p.cardNumber, /^2\d{13}$/);
    assert.equal(luhnDigit(p.cardNumber.slice(0, -1)), p.cardNumber.slice(-1));
    assert.equal(p.phone, null);
    assert.equal(p.mustChangePin, true);
    assert.equal(p.cardExpiresAt, new Date(clock.now().getTime() + 3 * 365 * DAY).toISOString());
    const row = await findPatronById(ctx.db, p.id);
    assert.match(row!.pin_hash, /^\$argon2id\$/);
    assert.deepEqual(await findValueEverywhere(ctx, created.oneTimePin!), [], 'the PIN is stored nowhere');
    assert.deepEqual(
      (await accessLogOf(env(), p.id)).map((e) => [e.staff_id, e.purpose]),
      [[desk.id, 'registration']],
    );
  });

  test('a PIN typed at the desk is used (no forced change) and checked against the rule', async () => {
    const { ctx } = env();
    const pin = '58213907';
    const created = await registerPatron(ctx, desk, { name: 'Bo Lindqvist', homeBranch: 'EAST', pin });
    assert.equal(created.oneTimePin, null);
    assert.equal(created.patron.mustChangePin, false);
    assert.deepEqual(await findValueEverywhere(ctx, pin), []);
    await assert.rejects(
      registerPatron(ctx, desk, { name: 'Bo Lindqvist', homeBranch: 'EAST', pin: '123456' }),
      fieldError('pin', /too easy to guess/),
    );
  });

  test('A1: fields circulation does not need are refused, not silently dropped', async () => {
    const { ctx } = env();
    for (const extra of [{ birthDate: '1990-04-01' }, { ssn: '078-05-1120' }, { idNumber: 'X1234567' }]) {
      await assert.rejects(
        registerPatron(ctx, desk, { name: 'Cy Extra', homeBranch: 'MAIN', ...extra }),
        (err: unknown) => {
          assert.ok(err instanceof ValidationError);
          assert.match(err.fields._ ?? '', new RegExp(`does not collect ${Object.keys(extra)[0]}`));
          return true;
        },
      );
    }
    assert.deepEqual(
      await findPatrons(ctx, desk, { purpose: 'account-help', name: 'Cy Extra' }).then((r) => r.matches),
      [],
    );
  });

  test('bad input gets a message per field', async () => {
    const { ctx } = env();
    await assert.rejects(
      registerPatron(ctx, desk, { name: ' ', homeBranch: 'MAIN' }),
      fieldError('name', /Enter the name/),
    );
    await assert.rejects(
      registerPatron(ctx, desk, { name: 'D', homeBranch: 'NOPE' }),
      fieldError('homeBranch', /from the list/),
    );
    await assert.rejects(
      registerPatron(ctx, desk, { name: 'D', homeBranch: 'MAIN', email: 'not-an-address' }),
      fieldError('email', /e-mail address/),
    );
    await assert.rejects(
      registerPatron(ctx, desk, { name: 'D', homeBranch: 'MAIN', ageBand: 'toddler' }),
      fieldError('ageBand', /age band/),
    );
    await assert.rejects(
      registerPatron(ctx, desk, { name: 'D', homeBranch: 'MAIN', cardNumber: '20000000000001' }),
      fieldError('cardNumber', /check digit/),
    );
    await assert.rejects(
      registerPatron(ctx, desk, { name: 'D', homeBranch: 'MAIN', cardNumber: '12345' }),
      fieldError('cardNumber', /14 digits starting with 2/),
    );
  });

  test('a scanned card number is kept; the same card twice is a field error', async () => {
    const { ctx } = env();
    const card = uniqueCard();
    const first = await registerPatron(ctx, desk, {
      name: 'Eve Scanned',
      homeBranch: 'MAIN',
      cardNumber: card,
    });
    assert.equal(first.patron.cardNumber, card);
    await assert.rejects(
      registerPatron(ctx, desk, {
        name: 'Other',
        homeBranch: 'MAIN',
        cardNumber: `${card.slice(0, 7)} ${card.slice(7)}`,
      }),
      fieldError('cardNumber', /already belongs to another patron/),
    );
    const raced = uniqueCard();
    const results = await Promise.allSettled(
      [1, 2].map((n) =>
        registerPatron(ctx, desk, { name: `Race ${n}`, homeBranch: 'MAIN', cardNumber: raced }),
      ),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, 'one desk wins the race');
    const lost = results.find((r) => r.status === 'rejected');
    assert.ok(lost && fieldError('cardNumber', /already belongs/)(lost.reason));
  });

  test('only circulation staff and administrators register and open patron records', async () => {
    const { ctx } = env();
    const reference = await staffActor(env(), ['reference']);
    await assert.rejects(registerPatron(ctx, reference, { name: 'X', homeBranch: 'MAIN' }), ForbiddenError);
    await assert.rejects(registerPatron(ctx, privacy, { name: 'X', homeBranch: 'MAIN' }), ForbiddenError);
    const { patron } = await registerPatron(ctx, desk, { name: 'Fay Private', homeBranch: 'MAIN' });
    await assert.rejects(viewPatron(ctx, reference, patron.id, 'account-help'), ForbiddenError);
    assert.equal((await accessLogOf(env(), patron.id)).length, 1, 'a refused view writes nothing');
  });

  test('look-up by exact card or by name needs a purpose and finds at most 20', async () => {
    const { ctx } = env();
    const { patron } = await registerPatron(ctx, desk, { name: 'Gus Oakenshield', homeBranch: 'MAIN' });
    await assert.rejects(
      findPatrons(ctx, desk, { cardNumber: patron.cardNumber }),
      fieldError('purpose', /Choose why/),
    );
    const byCard = await findPatrons(ctx, desk, { purpose: 'circulation', cardNumber: patron.cardNumber });
    assert.deepEqual(
      byCard.matches.map((m) => m.id),
      [patron.id],
    );
    const byName = await findPatrons(ctx, desk, { purpose: 'circulation', name: 'oakenSHIELD' });
    assert.deepEqual(
      byName.matches.map((m) => m.id),
      [patron.id],
    );
    for (let i = 0; i < 22; i++)
      await registerPatron(ctx, desk, {
        name: `Manyname ${i}`,
        homeBranch: 'MAIN',
        pin: 'a long passphrase',
      });
    assert.equal(
      (await findPatrons(ctx, desk, { purpose: 'circulation', name: 'manyname' })).matches.length,
      20,
    );
    await assert.rejects(
      findPatrons(ctx, desk, { purpose: 'circulation', name: 'm' }),
      fieldError('cardNumber', /two letters/),
    );
  });

  test('A6: every view and action writes an access-log entry with its purpose', async () => {
    const { ctx } = env();
    const { patron } = await registerPatron(ctx, desk, { name: 'Hal Logged', homeBranch: 'MAIN' });
    await viewPatron(ctx, desk, patron.id, 'circulation');
    await updatePatronDetails(ctx, desk, patron.id, { name: 'Hal Logged', homeBranch: 'EAST' });
    await renewCard(ctx, desk, patron.id);
    await blockPatron(ctx, desk, patron.id, { reason: 'Lost card reported' });
    await unblockPatron(ctx, desk, patron.id);
    await resetPin(ctx, desk, patron.id, { idChecked: 'on' });
    assert.deepEqual(
      (await accessLogOf(env(), patron.id)).map((e) => e.purpose),
      ['registration', 'circulation', 'registration', 'card-renewal', 'block', 'block', 'pin-reset'],
    );
    await assert.rejects(resetPin(ctx, desk, patron.id, {}), fieldError('idChecked', /identity/));
  });

  test('blocks carry a reason; renewal counts the validity from today', async () => {
    const { ctx, clock } = env();
    const { patron } = await registerPatron(ctx, desk, { name: 'Ida Blocked', homeBranch: 'MAIN' });
    await assert.rejects(blockPatron(ctx, desk, patron.id, { reason: ' ' }), fieldError('reason', /why/));
    await blockPatron(ctx, desk, patron.id, { reason: 'Damaged items to discuss' });
    let p = await viewPatron(ctx, desk, patron.id, 'block');
    assert.equal(p.blockReason, 'Damaged items to discuss');
    assert.equal(p.blockedAt, clock.now().toISOString());
    await unblockPatron(ctx, desk, patron.id);
    p = await viewPatron(ctx, desk, patron.id, 'block');
    assert.equal(p.blockReason, null);
    clock.advance(10 * DAY);
    const expires = await renewCard(ctx, desk, patron.id);
    assert.equal(expires, new Date(clock.now().getTime() + 3 * 365 * DAY).toISOString());
  });

  test('closing is refused while items are out, and deletes the account otherwise', async () => {
    const { ctx } = env();
    const name = 'Jo Closingtest';
    const { patron } = await registerPatron(ctx, desk, {
      name,
      homeBranch: 'MAIN',
      email: 'jo.closing@example.org',
    });
    await ctx.db.updateTable('patrons').set({ open_loans: 2 }).where('id', '=', patron.id).execute();
    await assert.rejects(closePatronAccount(ctx, desk, patron.id), (err: unknown) => {
      assert.ok(err instanceof ConflictError);
      assert.match(err.message, /2 items are still checked out/);
      return true;
    });
    assert.ok(await findPatronById(ctx.db, patron.id));
    await ctx.db.updateTable('patrons').set({ open_loans: 0 }).where('id', '=', patron.id).execute();
    const { bibId } = await giveHoldAndHistory(ctx, patron.id, 'Closing Time Stories');
    await closePatronAccount(ctx, desk, patron.id);
    for (const table of ['holds', 'reading_history', 'patron_sessions'] as const) {
      const left = await ctx.db.selectFrom(table).select('id').where('patron_id', '=', patron.id).execute();
      assert.deepEqual(left, [], `${table} of the closed account`);
    }
    assert.ok(
      await ctx.db.selectFrom('bib_records').select('id').where('id', '=', bibId).executeTakeFirst(),
      'the title stays',
    );
    assert.equal(await findPatronById(ctx.db, patron.id), undefined);
    assert.deepEqual(await findValueEverywhere(ctx, patron.cardNumber), []);
    assert.deepEqual(await findValueEverywhere(ctx, name), []);
    assert.deepEqual(await findValueEverywhere(ctx, 'jo.closing@example.org'), []);
    await assert.rejects(viewPatron(ctx, desk, patron.id, 'account-help'), NotFoundError);
    assert.equal((await accessLogOf(env(), patron.id)).at(-1)?.purpose, 'closure');
  });

  test('only the privacy officer reads the access log; filters by card, staff member and dates', async () => {
    const { ctx, clock } = env();
    const other = await staffActor(env(), ['circulation']);
    const admin = await staffActor(env(), ['admin']);
    const { patron } = await registerPatron(ctx, desk, { name: 'Kit Audited', homeBranch: 'MAIN' });
    clock.advance(2 * DAY);
    await viewPatron(ctx, other, patron.id, 'holds');
    for (const actor of [desk, admin]) await assert.rejects(readAccessLog(ctx, actor, {}), ForbiddenError);
    const mine = await readAccessLog(ctx, privacy, { cardNumber: patron.cardNumber });
    assert.deepEqual(
      mine.entries.map((e) => [e.purpose, e.staffUsername, e.cardNumber]),
      [
        ['holds', other.username, patron.cardNumber],
        ['registration', desk.username, patron.cardNumber],
      ],
    );
    const byStaff = await readAccessLog(ctx, privacy, { staff: other.username });
    assert.deepEqual(
      byStaff.entries.map((e) => e.purpose),
      ['holds'],
    );
    const today = clock.now().toISOString().slice(0, 10);
    const onlyToday = await readAccessLog(ctx, privacy, {
      cardNumber: patron.cardNumber,
      from: today,
      to: today,
    });
    assert.deepEqual(
      onlyToday.entries.map((e) => e.purpose),
      ['holds'],
    );
    assert.deepEqual((await readAccessLog(ctx, privacy, { cardNumber: uniqueCard() })).entries, []);
    await assert.rejects(
      readAccessLog(ctx, privacy, { from: '28/11/2026' }),
      fieldError('from', /2026-11-28/),
    );
    for (let i = 0; i < 50; i++) await viewPatron(ctx, other, patron.id, 'circulation');
    const page1 = await readAccessLog(ctx, privacy, { cardNumber: patron.cardNumber });
    assert.equal(page1.entries.length, 50);
    assert.equal(page1.hasMore, true);
    const page2 = await readAccessLog(ctx, privacy, { cardNumber: patron.cardNumber, page: '2' });
    assert.deepEqual(
      page2.entries.map((e) => e.purpose),
      ['holds', 'registration'],
    );
    assert.equal(page2.hasMore, false);
  });
});
