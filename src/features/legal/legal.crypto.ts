// Encryption of case files (issue 15 item 6; L6): AES-256-GCM with a key kept in a file outside
// the database (LEGAL_KEY_FILE). A ciphertext is: version byte 1, the key id (first 4 bytes of
// sha256(key), shown as 8 hex digits), a random 12-byte IV, the 16-byte tag, then the data. Each
// value is bound to where it is stored (table, column, row id) as associated data, so a ciphertext
// copied into another row or column does not decrypt.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const VERSION = 1;
const KEY_ID_BYTES = 4;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER = 1 + KEY_ID_BYTES + IV_BYTES + TAG_BYTES;

/** A case-file problem an operator must fix (wrong key, unreadable key file, damaged value). */
export class LegalKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LegalKeyError';
  }
}

/** A loaded key and its id (8 hex digits), the id alone safe to print. */
export interface LegalKey {
  id: string;
  key: Buffer;
}

export const keyIdOf = (key: Buffer): string =>
  crypto
    .createHash('sha256')
    .update(key)
    .digest('hex')
    .slice(0, KEY_ID_BYTES * 2);

const fromBytes = (key: Buffer): LegalKey => ({ id: keyIdOf(key), key });

/** Decodes a key file: 32 raw bytes, or 64 hex digits (a trailing newline allowed). */
function decodeKeyFile(file: string, raw: Buffer): Buffer {
  if (raw.length === 32) return raw;
  const text = raw.toString('latin1').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  throw new LegalKeyError(`${file} is not a case-file key (32 bytes, or 64 hex digits).`);
}

/** Writes a new random key to `file` (mode 0600); fails if the file exists. */
export function createKeyFile(file: string): LegalKey {
  const key = crypto.randomBytes(32);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
  return fromBytes(key);
}

/**
 * Reads the key in `file`; with `create`, makes it (32 random bytes, mode 0600) when there is none
 * yet. A key file others can read is refused: the key is what keeps the case file closed.
 */
export function loadKey(file: string, opts: { create: boolean }): LegalKey {
  let raw: Buffer;
  try {
    const mode = fs.statSync(file).mode;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0)
      throw new LegalKeyError(`${file} can be read by other users; run: chmod 600 ${file}`);
    raw = fs.readFileSync(file);
  } catch (err) {
    if (err instanceof LegalKeyError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && opts.create) {
      try {
        return createKeyFile(file);
      } catch (e) {
        // Another process made it first: use theirs.
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') return loadKey(file, { create: false });
        throw new LegalKeyError(
          `Cannot create the case-file key ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'}).`,
        );
      }
    }
    throw new LegalKeyError(`Cannot read the case-file key ${file} (${code ?? 'error'}).`);
  }
  return fromBytes(decodeKeyFile(file, raw));
}

/** Encrypts `plain` under `k`, bound to `context` (e.g. "legal_cases.details:<id>"). */
export function encrypt(k: LegalKey, plain: Buffer | string, context: string): Buffer {
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', k.key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([
    cipher.update(typeof plain === 'string' ? Buffer.from(plain, 'utf8') : plain),
    cipher.final(),
  ]);
  return Buffer.concat([Buffer.from([VERSION]), Buffer.from(k.id, 'hex'), iv, cipher.getAuthTag(), body]);
}

/** The key id a ciphertext was made with (8 hex digits). */
export function keyIdOfCiphertext(data: Uint8Array): string {
  if (data.length < HEADER || data[0] !== VERSION)
    throw new LegalKeyError('This is not a Carrel case-file ciphertext.');
  return Buffer.from(data.subarray(1, 1 + KEY_ID_BYTES)).toString('hex');
}

/** Decrypts; a LegalKeyError says clearly when the key is the wrong one or the value was altered. */
export function decrypt(k: LegalKey, data: Uint8Array, context: string): Buffer {
  const id = keyIdOfCiphertext(data);
  if (id !== k.id)
    throw new LegalKeyError(
      `The case file is encrypted with key ${id}, but LEGAL_KEY_FILE holds key ${k.id}: point LEGAL_KEY_FILE at the right key file.`,
    );
  const buf = Buffer.from(data);
  const iv = buf.subarray(1 + KEY_ID_BYTES, 1 + KEY_ID_BYTES + IV_BYTES);
  const tag = buf.subarray(1 + KEY_ID_BYTES + IV_BYTES, HEADER);
  const decipher = crypto.createDecipheriv('aes-256-gcm', k.key, iv);
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(buf.subarray(HEADER)), decipher.final()]);
  } catch {
    throw new LegalKeyError(
      `A case-file value (${context.split(':')[0]}) does not decrypt: it was altered or damaged.`,
    );
  }
}

/** Where each encrypted value lives, as associated data. */
export const aad = {
  details: (caseId: string) => `legal_cases.details:${caseId}`,
  decisions: (caseId: string) => `legal_cases.decisions:${caseId}`,
  reason: (eventId: string) => `legal_case_events.reason:${eventId}`,
  attachmentName: (id: string) => `legal_case_attachments.name:${id}`,
  attachmentContent: (id: string) => `legal_case_attachments.content:${id}`,
};
