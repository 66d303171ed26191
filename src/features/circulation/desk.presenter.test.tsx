// The desk's view model is built field by field: a patron row's pin_hash (or any other column the
// desk does not show) never reaches the desk page: presenters decide what leaves the server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '../../../test/support/env.ts';
import { addItem, addPatron, addRecord, deskActor } from '../../../test/support/circulation-fixtures.ts';
import { renderPage } from '../../http/render.tsx';
import { findPatronById } from '../patrons/patrons.repository.ts';
import * as circ from './circulation.service.ts';
import { presentDesk, type DeskLoan, type DeskModel, type DeskPatron } from './desk.presenter.ts';
import { DeskPage } from './desk.views.tsx';
import * as holds from './holds.service.ts';

// Type-level: the desk's patron and loan types have no PIN field; adding one fails to compile.
type HasNoPin<T> = 'pin_hash' extends keyof T ? false : 'pinHash' extends keyof T ? false : true;
const patronHasNoPin: HasNoPin<DeskPatron> = true;
const loanHasNoPin: HasNoPin<DeskLoan> = true;

/** Every key of a value, at any depth. */
function keysOf(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keysOf(v, into);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      into.add(k);
      keysOf(v, into);
    }
  return into;
}

describeEachDialect('desk presenter', (env) => {
  test('the desk view model and page carry no pin_hash, only the fields the desk shows', async () => {
    assert.ok(patronHasNoPin && loanHasNoPin);
    const e = env();
    const p = await addPatron(e.ctx, { name: 'Presenter Testpatron' });
    const lent = await addRecord(e.ctx, { title: 'A Lent Book' });
    const item = await addItem(e.ctx, lent.id, { branch: 'MAIN' });
    const wanted = await addRecord(e.ctx, { title: 'A Wanted Book' });
    await addItem(e.ctx, wanted.id, { branch: 'MAIN' });
    await circ.checkOut(e.ctx, deskActor, { patronId: p.id, barcode: item.barcode, branch: 'MAIN' });
    const who = { kind: 'staff', actor: deskActor } as const;
    await holds.placeHold(e.ctx, who, { patronId: p.id, bibId: wanted.id, pickupBranch: 'MAIN' });

    const row = await findPatronById(e.ctx.db, p.id);
    assert.ok(row?.pin_hash, 'the row the desk starts from does carry a PIN hash');
    const model: DeskModel = presentDesk({
      patron: row,
      block: null,
      loans: await circ.getLoans(e.ctx, who, p.id),
      holds: await holds.getHolds(e.ctx, who, p.id),
    });

    const keys = keysOf(model);
    assert.ok(!keys.has('pin_hash') && !keys.has('pinHash'), [...keys].join(', '));
    assert.deepEqual(Object.keys(model.patron!).sort(), [
      'cardExpiresAt',
      'cardNumber',
      'homeBranch',
      'id',
      'name',
      'openLoans',
    ]);
    assert.equal(model.patron!.openLoans, 1);
    assert.deepEqual(
      model.loans.map((l) => l.title),
      ['A Lent Book'],
    );
    assert.deepEqual(
      model.holds.map((h) => h.title),
      ['A Wanted Book'],
    );
    assert.ok(!JSON.stringify(model).includes(row.pin_hash));

    const html = renderPage(
      <DeskPage library={e.ctx.config.library} actor={deskActor} csrfToken="t" branch="MAIN" {...model} />,
    );
    assert.match(html, /Presenter Testpatron/);
    assert.match(html, /A Lent Book/);
    assert.match(html, /A Wanted Book/);
    assert.ok(!html.includes(row.pin_hash), 'the PIN hash is not on the desk page');
    assert.doesNotMatch(html, /argon2/);
  });
});
