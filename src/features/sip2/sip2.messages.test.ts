// SIP2 messages on both databases (issue 14 item 8): patron status and information with the PIN
// right and wrong, an unknown card, check-out then check-in through the desk's services leaving
// no loan (C1), renewal, holds, item information, IBM850 names, the access log's sip2 entries, and
// logs without card numbers, PINs, names or barcodes (P3, G4).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DAY } from '../../clock.ts';
import { describeEachDialect } from '../../../test/support/env.ts';
import { addItem, addRecord } from '../../../test/support/circulation-fixtures.ts';
import { appendTrailer } from '../../sip2/checksum.ts';
import type { Sip2Client } from '../../sip2/client.ts';
import { formatSipDate } from '../../sip2/sip-date.ts';
import type { Sip2Server } from './sip2.server.ts';
import {
  addAccounts,
  client,
  login93,
  PASSWORD,
  patronWithPin,
  PIN,
  rawConnection,
  startTestServer,
} from './sip2.test-support.ts';

describeEachDialect('SIP2 server: messages', (env) => {
  let server: Sip2Server;
  let c: Sip2Client;
  const secrets: string[] = [PIN, PASSWORD];
  before(async () => {
    await addAccounts(env().ctx);
    server = await startTestServer(env().ctx);
    c = await client(server);
    assert.equal(await c.login({ userId: 'kiosk', password: PASSWORD }), true);
  });
  after(async () => {
    await c.close();
    await server.stop();
  });

  const date = () => formatSipDate(env().clock.now(), env().config.library.timezone);
  const checkout = (card: string, barcode: string, pin = PIN) =>
    c.request<'11'>({
      code: '11',
      scRenewalPolicy: true,
      noBlock: false,
      transactionDate: date(),
      nbDueDate: ' '.repeat(18),
      institutionId: 'CARREL',
      patronIdentifier: card,
      itemIdentifier: barcode,
      patronPassword: pin,
    });
  const checkin = (barcode: string) =>
    c.request<'09'>({
      code: '09',
      noBlock: false,
      transactionDate: date(),
      returnDate: date(),
      currentLocation: 'MAIN',
      institutionId: 'CARREL',
      itemIdentifier: barcode,
    });

  test('an unknown card: BL N with an empty AE, AO and AA echoed', async () => {
    const raw = await rawConnection(server);
    raw.write(`${login93('kiosk', PASSWORD)}\r`);
    assert.equal(await raw.next(), '941');
    raw.write(`23000${date()}AOCARREL|AA29999999999999|ACx|\r`);
    const reply = await raw.next();
    assert.match(reply, /^24YYYY {10}000/);
    assert.ok(reply.includes('|AE|'), reply);
    assert.ok(reply.includes('AOCARREL|AA29999999999999|'), reply);
    assert.ok(reply.includes('BLN|'), reply);
    assert.ok(!reply.includes('CQ'), reply);
    raw.close();
  });

  test('patron status and information: the PIN right gives CQ Y and the account; wrong gives CQ N and nothing', async () => {
    const { ctx } = env();
    const p = await patronWithPin(ctx, { name: 'Ada Lovelace' });
    secrets.push(p.cardNumber, p.name);
    const rec = await addRecord(ctx, { title: 'Notes on the Engine' });
    const item = await addItem(ctx, rec.id);
    secrets.push(item.barcode);
    assert.equal((await checkout(p.cardNumber, item.barcode)).ok, true);

    const right = await c.patronStatus({ patronIdentifier: p.cardNumber, patronPassword: PIN });
    assert.equal(right.validPatron, true);
    assert.equal(right.validPatronPassword, true);
    assert.equal(right.personalName, 'Ada Lovelace');
    assert.equal(right.patronStatus, ' '.repeat(14));
    const wrong = await c.patronStatus({ patronIdentifier: p.cardNumber, patronPassword: '0000' });
    assert.equal(wrong.validPatron, true);
    assert.equal(wrong.validPatronPassword, false);
    assert.equal(wrong.personalName, '');

    const info = await c.patronInformation({
      patronIdentifier: p.cardNumber,
      patronPassword: PIN,
      list: 'chargedItems',
    });
    assert.equal(info.validPatronPassword, true);
    assert.equal(info.chargedItemsCount, 1);
    assert.deepEqual(info.chargedItems, [item.barcode]);
    assert.equal(info.personalName, 'Ada Lovelace');
    const denied = await c.patronInformation({
      patronIdentifier: p.cardNumber,
      patronPassword: '9999',
      list: 'chargedItems',
    });
    assert.equal(denied.validPatronPassword, false);
    assert.equal(denied.chargedItemsCount, 0);
    assert.equal(denied.chargedItems, undefined);
    assert.equal(denied.personalName, '');

    // Each look-up of the known patron is in the access log under the machine's account (A6).
    const logged = await ctx.db
      .selectFrom('patron_access_log')
      .select(['purpose', 'staff_id'])
      .where('patron_id', '=', p.id)
      .execute();
    assert.ok(logged.length >= 2);
    assert.ok(logged.every((l) => l.purpose === 'sip2' && l.staff_id.startsWith('sip2:')));
    assert.equal((await checkin(item.barcode)).ok, true);
  });

  test('check-out then check-in through the desk’s services: the loan and its link are gone (C1)', async () => {
    const { ctx } = env();
    const p = await patronWithPin(ctx);
    secrets.push(p.cardNumber, p.name);
    const rec = await addRecord(ctx, { title: 'A Checked Title' });
    const item = await addItem(ctx, rec.id);
    const out = await checkout(p.cardNumber, item.barcode);
    assert.equal(out.ok, true);
    assert.equal(out.titleIdentifier, 'A Checked Title');
    assert.match(out.dueDate, /^\d{8} {4}\d{6}$/);
    const loans = () => ctx.db.selectFrom('loans').selectAll().where('patron_id', '=', p.id).execute();
    assert.equal((await loans()).length, 1);
    // A wrong PIN checks nothing out.
    const other = await addItem(ctx, rec.id);
    const refused = await checkout(p.cardNumber, other.barcode, '1111');
    assert.equal(refused.ok, false);
    assert.deepEqual(refused.screenMessage, ['Wrong card number or PIN.']);
    const back = await checkin(item.barcode);
    assert.equal(back.ok, true);
    assert.equal(back.patronIdentifier, undefined);
    assert.equal((await loans()).length, 0);
    const row = await ctx.db
      .selectFrom('items')
      .select('status')
      .where('id', '=', item.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.status, 'available');
    // Checking in again: no loan, still fine for the returns slot.
    assert.equal((await checkin(item.barcode)).ok, true);
    const unknown = await checkin('NO-SUCH-ITEM');
    assert.equal(unknown.ok, false);
  });

  test('item information, renewal and a hold placed and cancelled', async () => {
    const { ctx, clock } = env();
    const p = await patronWithPin(ctx);
    const q = await patronWithPin(ctx);
    secrets.push(p.cardNumber, q.cardNumber, p.name, q.name);
    const rec = await addRecord(ctx, { title: 'Renewable' });
    const item = await addItem(ctx, rec.id);
    const out = await checkout(p.cardNumber, item.barcode);
    assert.equal(out.ok, true);
    const info = await c.request<'17'>({
      code: '17',
      transactionDate: date(),
      institutionId: 'CARREL',
      itemIdentifier: item.barcode,
    });
    assert.equal(info.circulationStatus, '04');
    assert.equal(info.titleIdentifier, 'Renewable');
    assert.equal(info.dueDate, out.dueDate);

    clock.advance(5 * DAY);
    const renewRequest = (card: string) =>
      c.request<'29'>({
        code: '29',
        thirdPartyAllowed: false,
        noBlock: false,
        transactionDate: date(),
        nbDueDate: ' '.repeat(18),
        institutionId: 'CARREL',
        patronIdentifier: card,
        patronPassword: PIN,
        itemIdentifier: item.barcode,
      });
    const notHers = await renewRequest(q.cardNumber);
    assert.equal(notHers.ok, false);
    const renewed = await renewRequest(p.cardNumber);
    assert.equal(renewed.ok, true);
    assert.ok(renewed.dueDate > out.dueDate);

    const holdRequest = (mode: '+' | '-') =>
      c.request<'15'>({
        code: '15',
        holdMode: mode,
        transactionDate: date(),
        institutionId: 'CARREL',
        patronIdentifier: q.cardNumber,
        patronPassword: PIN,
        itemIdentifier: item.barcode,
      });
    const placed = await holdRequest('+');
    assert.equal(placed.ok, true);
    const holds = () => ctx.db.selectFrom('holds').selectAll().where('patron_id', '=', q.id).execute();
    assert.equal((await holds()).length, 1);
    // With someone waiting, the loan is not renewed again.
    assert.equal((await renewRequest(p.cardNumber)).ok, false);
    assert.equal((await holdRequest('+')).ok, false);
    assert.equal((await holdRequest('-')).ok, true);
    assert.equal((await holds()).length, 0);
    assert.equal((await checkin(item.barcode)).ok, true);
  });

  test('another institution is refused without a look-up', async () => {
    const p = await patronWithPin(env().ctx);
    secrets.push(p.cardNumber);
    const reply = await c.patronStatus({
      patronIdentifier: p.cardNumber,
      patronPassword: PIN,
      institutionId: 'OTHER',
    });
    assert.equal(reply.validPatron, false);
    assert.deepEqual(reply.screenMessage, ['This machine is not set up for that institution.']);
  });

  test('IBM850: a name with accents reaches the machine in code page 850', async () => {
    const { ctx } = env();
    const p = await patronWithPin(ctx, { name: 'Zoë Ñúñez' });
    secrets.push(p.cardNumber, p.name);
    const old = await client(server, { plain: true, charset: 'ibm850', errorDetection: true });
    assert.equal(await old.login({ userId: 'old850', password: PASSWORD }), true);
    const reply = await old.patronStatus({ patronIdentifier: p.cardNumber, patronPassword: PIN });
    assert.equal(reply.personalName, 'Zoë Ñúñez');
    await old.close();
    // The bytes: ë is 0x89 in code page 850 (and would be C3 AB in UTF-8).
    const raw = await rawConnection(server, { charset: 'ibm850' });
    raw.write(`${appendTrailer(login93('old850', PASSWORD), 0, 'ibm850')}\r`);
    assert.match(await raw.next(), /^941/);
    const chunks: Buffer[] = [];
    raw.socket.on('data', (b: Buffer) => chunks.push(b));
    raw.write(`${appendTrailer(`23000${date()}AOCARREL|AA${p.cardNumber}|AD${PIN}|`, 1, 'ibm850')}\r`);
    assert.ok((await raw.next()).includes('AEZoë Ñúñez|'));
    assert.ok(Buffer.concat(chunks).includes(Buffer.from([0x5a, 0x6f, 0x89])));
    raw.close();
  });

  test('logs name no card number, PIN, patron name, barcode or password (P3, G4)', () => {
    const lines = env().logs.filter((l) => l.includes('"component":"sip2"'));
    assert.ok(lines.some((l) => l.includes('"sip2":"11"') && l.includes('"outcome":"ok"')));
    assert.ok(lines.some((l) => l.includes('"sip2":"63"') && l.includes('"outcome":"wrong-pin"')));
    for (const l of lines) {
      // The time stamp is the real clock's digits: left out, so a PIN's digits cannot match it.
      const { time: _time, ...rest } = JSON.parse(l) as Record<string, unknown>;
      const text = JSON.stringify(rest);
      for (const secret of secrets) assert.ok(!text.includes(secret), `${secret} in ${text}`);
    }
  });
});
