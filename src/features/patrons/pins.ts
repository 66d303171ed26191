// The PIN rule (A2): at least 6 digits, or a passphrase of at least 10 characters with a letter;
// trivial choices are refused with a message that says why. One-time PINs for staff resets.
import crypto from 'node:crypto';

export const PIN_RULE =
  'Use at least 6 digits, or a passphrase of at least 10 characters including a letter.';

const common = new Set([
  'password12',
  'password123',
  'password1234',
  'qwertyuiop',
  'iloveyou123',
  'letmein1234',
  'library123',
  'abcdefghij',
  'abcd123456',
]);

/** True for digit strings anyone would guess: one digit repeated, a run up or down, a short pattern repeated. */
function trivialDigits(pin: string): boolean {
  if (/^(\d)\1+$/.test(pin)) return true;
  let up = true;
  let down = true;
  for (let i = 1; i < pin.length; i++) {
    const step = (Number(pin[i]) - Number(pin[i - 1]) + 10) % 10;
    if (step !== 1) up = false;
    if (step !== 9) down = false;
  }
  if (up || down) return true;
  // "121212", "123123", "1212": a block of one to three digits repeated.
  return /^(\d{1,3})\1+$/.test(pin);
}

/**
 * Why this PIN is not acceptable, in words for the patron; null when it is fine. `cardNumber`
 * is refused as a source: a PIN inside the card number is printed on the card.
 */
export function pinProblem(pin: string, cardNumber?: string): string | null {
  if (pin.length > 128) return 'Use at most 128 characters.';
  if (/^\d+$/.test(pin)) {
    if (pin.length < 6) return `That PIN is too short. ${PIN_RULE}`;
    if (trivialDigits(pin))
      return 'That PIN is too easy to guess (repeated digits or a simple sequence such as 123456). Choose digits that do not follow a pattern.';
    if (cardNumber && cardNumber.includes(pin))
      return 'That PIN is part of your card number, which is printed on the card. Choose different digits.';
    return null;
  }
  if (pin.trim().length < 10 || !/\p{L}/u.test(pin)) return `That is too short for a passphrase. ${PIN_RULE}`;
  const lower = pin.toLowerCase();
  if (common.has(lower) || /^(.)\1+$/u.test(lower))
    return 'That passphrase is too easy to guess. A few unrelated words make a strong one.';
  return null;
}

/** A random 8-digit PIN to print once (staff resets and registration); never a trivial one. */
export function generateOneTimePin(): string {
  for (;;) {
    const pin = String(crypto.randomInt(0, 100_000_000)).padStart(8, '0');
    if (pinProblem(pin) === null) return pin;
  }
}
