// The public computer pages over HTTP on both databases (issue 14 item 4; P1, P2, G4): joining the
// waiting list without a card and with card + PIN, bad input, the ticket link, the board, no
// cookie, and nothing identifying in the pages or the logs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { describeEachDialect } from '../../../test/support/env.ts';
import { Browser, useTestApp } from '../../../test/support/http.ts';
import { TEST_PIN } from '../../../test/support/patrons.ts';
import { logout, startSession } from './pcs.service.ts';
import { makeCard, makeGroup } from './pcs.test-support.ts';

// Monday 2 March 2026, 10:00 in Chicago: MAIN is open.
const MON_10 = '2026-03-02T16:00:00.000Z';
const TICKET_LINK = /href="(\/computers\/MAIN\/ticket\/[0-9a-f-]{36})\?live=1"/;

function noCookie(res: LightMyRequestResponse): void {
  assert.equal(res.headers['set-cookie'], undefined, 'a public computer page sets no cookie');
}

describeEachDialect('public computers: public pages', (env) => {
  const app = useTestApp(env);

  test('a patron without a card takes a ticket, follows it, and is called to the freed computer', async () => {
    const { ctx, clock, logs } = env();
    clock.set(MON_10);
    const { stationIds } = await makeGroup(ctx, 1);
    const user = await makeCard(ctx);
    assert.ok((await startSession(ctx, { stationId: stationIds[0]!, credentials: user.credentials })).ok);
    const visitor = new Browser(app());
    const page = await visitor.get('/computers/MAIN');
    assert.equal(page.statusCode, 200);
    noCookie(page);
    assert.match(page.body, /0 of 1 computer free, nobody waiting/);
    const groupId = /name="groupId" id="groupId" value="([^"]+)"/.exec(page.body)?.[1];
    assert.ok(groupId);
    const joined = await visitor.submit('/computers/MAIN', '/computers/MAIN/join', { groupId });
    assert.equal(joined.statusCode, 200);
    noCookie(joined);
    assert.match(joined.body, /Your ticket: <strong>B-\d+<\/strong>/);
    assert.match(joined.body, /You are next in line/);
    const link = TICKET_LINK.exec(joined.body)?.[1];
    assert.ok(link, 'the answer links to the ticket by its random id');
    const ticket = /Your ticket: <strong>(B-\d+)</.exec(joined.body)![1]!;
    assert.ok(!link.endsWith(ticket), 'the link is not the ticket number');
    // Nothing reloads unasked (WCAG 2.2.1): the answer offers the link that follows the ticket live.
    assert.doesNotMatch(joined.body, /http-equiv="refresh"/);

    const follow = await visitor.get(`${link}?live=1`);
    assert.equal(follow.statusCode, 200);
    noCookie(follow);
    assert.match(follow.body, /You are next in line/);
    assert.match(follow.body, /<meta http-equiv="refresh" content="30"/);
    assert.match(follow.body, new RegExp(`<a href="${link}">Stop reloading</a>`));
    assert.doesNotMatch((await visitor.get(link)).body, /http-equiv="refresh"/);
    assert.match((await visitor.get('/computers/MAIN')).body, /1 ticket waiting/);

    // The computer is freed: the ticket is called to it and held (MAIN's group holds 5 minutes).
    assert.equal(await logout(ctx, { stationId: stationIds[0]!, credentials: user.credentials }), true);
    const called = await visitor.get(link);
    assert.match(called.body, /Go to <strong>PC-\d+-0<\/strong> now, held for you until 10:05\./);
    const code = /Your code: <strong>(\d{4})<\/strong>/.exec(called.body)?.[1];
    assert.ok(code, 'a ticket without a card shows its claim code');
    assert.match(called.body, new RegExp(`type your ticket <strong>${ticket}</strong>`), 'and the steps');

    assert.doesNotMatch((await visitor.get('/computers/MAIN/board')).body, /http-equiv="refresh"/);
    const board = await visitor.get('/computers/MAIN/board?live=1');
    assert.equal(board.statusCode, 200);
    noCookie(board);
    assert.match(board.body, /<meta http-equiv="refresh" content="15"/);
    assert.match(
      board.body,
      new RegExp(`<strong>${ticket}</strong>.*go to</span> <strong>PC-\\d+-0</strong>`),
    );
    assert.ok(!board.body.includes(link), 'the board shows no ticket link');
    assert.ok(!board.body.includes(`<strong>${code}</strong>`), 'nor the claim code');
    assert.ok(!logs.join('\n').includes(link.split('/').pop()!), 'no ticket id in the logs');
  });

  test('with card and PIN the ticket is the card’s one ticket; a wrong PIN is refused kindly', async () => {
    const { ctx, clock, logs } = env();
    clock.set(MON_10);
    const { stationIds } = await makeGroup(ctx, 1);
    const user = await makeCard(ctx);
    assert.ok((await startSession(ctx, { stationId: stationIds[0]!, credentials: user.credentials })).ok);
    const card = await makeCard(ctx);
    const visitor = new Browser(app());
    const page = await visitor.get('/computers/MAIN');
    const groupId = [...page.body.matchAll(/name="groupId" id="[^"]+" value="([^"]+)"/g)].at(-1)![1]!;

    const wrong = await visitor.submit('/computers/MAIN', '/computers/MAIN/join', {
      groupId,
      cardNumber: card.cardNumber,
      pin: 'wrong-pin-typed',
    });
    assert.equal(wrong.statusCode, 400);
    noCookie(wrong);
    assert.match(wrong.body, /Wrong card number or PIN\./);
    assert.match(wrong.body, /ticket without a card/);
    assert.ok(wrong.body.includes(`value="${card.cardNumber}"`), 'the card number is kept');
    // A PIN no card number can contain (00000000 could be inside a random card number).
    assert.ok(!wrong.body.includes('wrong-pin-typed'), 'the PIN is not shown again');
    assert.doesNotMatch(wrong.body, /at .*\.ts:\d+/, 'no stack trace');

    const half = await visitor.submit('/computers/MAIN', '/computers/MAIN/join', {
      groupId,
      cardNumber: card.cardNumber,
    });
    assert.equal(half.statusCode, 400);
    assert.match(half.body, /Enter your PIN too, or leave the card number empty\./);

    const first = await visitor.submit('/computers/MAIN', '/computers/MAIN/join', {
      groupId,
      cardNumber: card.cardNumber,
      pin: TEST_PIN,
    });
    assert.equal(first.statusCode, 200);
    const again = await visitor.submit('/computers/MAIN', '/computers/MAIN/join', {
      groupId,
      cardNumber: card.cardNumber,
      pin: TEST_PIN,
    });
    const number = (html: string) => /Your ticket: <strong>(B-\d+)</.exec(html)?.[1];
    assert.ok(number(first.body));
    assert.equal(number(again.body), number(first.body), 'one ticket per card');
    assert.ok(!first.body.includes(card.cardNumber), 'the ticket page does not show the card');
    assert.doesNotMatch(first.body, /Your code:/, 'a card needs no claim code');
    const board = await visitor.get('/computers/MAIN/board');
    assert.ok(board.body.includes(number(first.body)!));
    assert.ok(!board.body.includes(card.cardNumber));
    assert.ok(!board.body.includes('Reader '), 'no patron name on the board');
    const logged = logs.join('\n');
    assert.ok(!logged.includes(card.cardNumber), 'no card number in the logs');
    assert.ok(!logged.includes(TEST_PIN), 'no PIN in the logs');
  });

  test('a wrong link, an unknown group or branch answers with a page that says what to do', async () => {
    const { ctx } = env();
    await makeGroup(ctx, 1);
    const visitor = new Browser(app());
    const gone = await visitor.get('/computers/MAIN/ticket/0190a000-0000-7000-8000-000000000000');
    assert.equal(gone.statusCode, 404);
    assert.match(gone.body, /This ticket is no longer on the list/);
    assert.equal((await visitor.get('/computers/MAIN/ticket/B-1')).statusCode, 404);
    const badGroup = await visitor.submit('/computers/MAIN', '/computers/MAIN/join', {
      groupId: '0190a000-0000-7000-8000-000000000000',
    });
    assert.equal(badGroup.statusCode, 400);
    assert.match(badGroup.body, /Choose one of the groups listed\./);
    const nowhere = await visitor.get('/computers/NOWHERE');
    assert.equal(nowhere.statusCode, 404);
    assert.match(nowhere.body, /There is no branch NOWHERE/);
  });
});
