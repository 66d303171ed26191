// The PIN rule and card numbers are pure logic: tested directly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cardNumberProblem, generateCardNumber, luhnDigit, normalizeCardNumber } from './card-numbers.ts';
import { generateOneTimePin, pinProblem } from './pins.ts';

test('six or more digits, or a passphrase of ten characters with a letter, are accepted', () => {
  for (const ok of ['482915', '90317258', 'kettle mountain', 'Ärger über Zölle', 'blue-heron-7'])
    assert.equal(pinProblem(ok), null, ok);
});

test('short PINs and letter-less "passphrases" are refused with the rule', () => {
  assert.match(pinProblem('48291')!, /too short.*at least 6 digits/);
  assert.match(pinProblem('short')!, /too short for a passphrase/);
  assert.match(pinProblem('12-34-56-78')!, /including a letter/);
});

test('trivial PINs are refused with a message that says why', () => {
  for (const trivial of ['123456', '111111', '654321', '890123', '121212', '123123', '000000', '9876543210'])
    assert.match(pinProblem(trivial)!, /too easy to guess/, trivial);
  assert.match(pinProblem('password123')!, /too easy to guess/);
  assert.match(pinProblem('aaaaaaaaaaaa')!, /too easy to guess/);
});

test('a PIN taken from the card number is refused', () => {
  assert.match(pinProblem('482915', '20000004829150')!, /part of your card number/);
  assert.equal(pinProblem('482915', '20000001111110'), null);
});

test('generated one-time PINs are 8 digits and pass the rule', () => {
  for (let i = 0; i < 200; i++) {
    const pin = generateOneTimePin();
    assert.match(pin, /^\d{8}$/);
    assert.equal(pinProblem(pin), null);
  }
});

test('Luhn check digits match known card numbers', () => {
  assert.equal(luhnDigit('7992739871'), '3');
  assert.equal(luhnDigit('2000000000000'), '6');
});

test('generated card numbers fit the configured format, with or without a check digit', () => {
  const luhn = { prefix: '2345', length: 14, checkDigit: 'luhn' as const };
  const none = { prefix: '', length: 8, checkDigit: 'none' as const };
  for (let i = 0; i < 100; i++) {
    const a = generateCardNumber(luhn);
    assert.match(a, /^2345\d{10}$/);
    assert.equal(cardNumberProblem(a, luhn), null);
    const b = generateCardNumber(none);
    assert.match(b, /^\d{8}$/);
    assert.equal(cardNumberProblem(b, none), null);
  }
});

test('scanned card numbers are checked for shape and, if configured, the check digit', () => {
  const luhn = { prefix: '2', length: 14, checkDigit: 'luhn' as const };
  const good = `2000000000000${luhnDigit('2000000000000')}`;
  assert.equal(cardNumberProblem(good, luhn), null);
  assert.match(cardNumberProblem('20000000000001', luhn)!, /check digit does not match/);
  assert.match(cardNumberProblem('3000000000000', luhn)!, /14 digits starting with 2/);
  assert.match(cardNumberProblem('2000abc0000000', luhn)!, /14 digits/);
  assert.equal(cardNumberProblem('20000000000001', { ...luhn, checkDigit: 'none' }), null);
  assert.equal(normalizeCardNumber(' 2000 0000-000 0008 '), '200000000000008');
});
