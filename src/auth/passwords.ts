// Password and PIN hashing (A2): argon2id only, with OWASP's recommended parameters. Shared by
// staff passwords now and patron PINs later.
import crypto from 'node:crypto';
import { hash, verify, type Algorithm } from '@node-rs/argon2';

const ARGON2ID = 2 as Algorithm; // Algorithm.Argon2id; a const enum cannot be read under isolatedModules.
const params = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const hashSecret = (secret: string): Promise<string> => hash(secret, params);

/** A real hash of a random value: checked against when the account does not exist, so an unknown
 * name takes as long as a wrong password (A2). */
let dummyHash: Promise<string> | null = null;

/** How many argon2id verifications ran in this process: lets tests prove that an unknown account
 * pays for one exactly as a wrong secret does, without timing on a shared machine. */
export const verifications = { count: 0 };

export async function verifySecret(hashed: string | null, secret: string): Promise<boolean> {
  verifications.count++;
  if (hashed === null) {
    dummyHash ??= hashSecret(crypto.randomBytes(16).toString('hex'));
    await verify(await dummyHash, secret).catch(() => false);
    return false;
  }
  return verify(hashed, secret).catch(() => false);
}

const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789'; // no 0/o, 1/l/i: read aloud or copied from paper

/** A random password to print once, e.g. "k7dp-9xq2-mh4t-wr8c" (about 79 bits). */
export function generatePassword(): string {
  const bytes = crypto.randomBytes(16);
  let out = '';
  for (let i = 0; i < 16; i++) {
    if (i > 0 && i % 4 === 0) out += '-';
    out += alphabet[bytes[i]! % alphabet.length];
  }
  return out;
}
