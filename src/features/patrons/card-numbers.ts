// Library card numbers: generated with a Luhn check digit, or scanned from a pre-printed card and
// checked against the configured format (digits, length, prefix, and the check digit if configured).
import crypto from 'node:crypto';
import type { CirculationPolicy } from '../../library.ts';

export type CardNumberFormat = CirculationPolicy['cardNumbers'];

/** The Luhn (mod 10) check digit for a string of digits. */
export function luhnDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** Removes what scanners and people add around a card number: spaces and dashes. */
export const normalizeCardNumber = (raw: string): string => raw.replace(/[\s-]/g, '');

/** Why a (normalized) card number does not fit the format, in words for staff; null when it fits. */
export function cardNumberProblem(card: string, format: CardNumberFormat): string | null {
  const shape = `${format.length} digits${format.prefix ? ` starting with ${format.prefix}` : ''}`;
  if (!/^\d+$/.test(card) || card.length !== format.length || !card.startsWith(format.prefix))
    return `A card number here is ${shape}.`;
  if (format.checkDigit === 'luhn' && luhnDigit(card.slice(0, -1)) !== card.slice(-1))
    return 'The check digit does not match: the number was probably mistyped or misread. Scan or type it again.';
  return null;
}

/** A random card number in the configured format. */
export function generateCardNumber(format: CardNumberFormat): string {
  const free = format.length - format.prefix.length - (format.checkDigit === 'luhn' ? 1 : 0);
  let body = format.prefix;
  for (let i = 0; i < free; i++) body += String(crypto.randomInt(10));
  return format.checkDigit === 'luhn' ? body + luhnDigit(body) : body;
}
