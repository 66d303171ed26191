// Law-enforcement requests (issue 15, L1, L6): where the case-file key lives, who is told of a new
// request, and how long closed case files are kept.
import path from 'node:path';
import { EnvReader, intSetting, listOf, type Setting } from './setting.ts';

export interface LegalConfig {
  /** The AES-256 key file for case files, kept apart from the database (L6). */
  keyFile: string;
  /** Closed case files are deleted this many years after closing; open ones are kept. */
  caseYears: number;
  /** Told by e-mail that a request was recorded (never what it is). */
  privacyOfficerEmails: string[];
  /** Told likewise. */
  counselEmails: string[];
}

const emailLike = /^[^\s@<>,]+@[^\s@<>,]+\.[^\s@<>,]+$/;

export const LEGAL_KEY_FILE: Setting<string, string> = {
  name: 'LEGAL_KEY_FILE',
  default: '`DATA_DIR/legal.key` (made on first use)',
  description:
    'File holding the 32-byte key that encrypts law-enforcement case files (L6); keep it apart from database backups. Rotate with `carrel cases rekey`.',
  parse: (v, _r, dataDir) => path.resolve(v ?? path.join(dataDir, 'legal.key')),
};

export const LEGAL_CASE_YEARS = intSetting('LEGAL_CASE_YEARS', {
  default: 7,
  min: 1,
  max: 100,
  description:
    'A closed law-enforcement case file is deleted this many years after closing; open cases are kept.',
});

const addressList = (name: string, who: string): Setting<string[]> => ({
  name,
  default: 'none',
  description: `Comma-separated e-mail addresses of ${who}, told that a law-enforcement request was recorded (never its details).`,
  parse(v, r) {
    const list = listOf(v).map((a) => a.toLowerCase());
    const bad = list.filter((a) => !emailLike.test(a));
    if (bad.length)
      r.problem(`${name}: ${bad.map((b) => JSON.stringify(b)).join(', ')} is not an e-mail address.`);
    return list.filter((a) => emailLike.test(a));
  },
});

export const LEGAL_PRIVACY_OFFICER_EMAILS = addressList(
  'LEGAL_PRIVACY_OFFICER_EMAILS',
  'the privacy officer(s)',
);
export const LEGAL_COUNSEL_EMAILS = addressList('LEGAL_COUNSEL_EMAILS', "the library's counsel");

export function readLegal(r: EnvReader, dataDir: string): LegalConfig {
  return {
    keyFile: r.read(LEGAL_KEY_FILE, dataDir),
    caseYears: r.read(LEGAL_CASE_YEARS),
    privacyOfficerEmails: r.read(LEGAL_PRIVACY_OFFICER_EMAILS),
    counselEmails: r.read(LEGAL_COUNSEL_EMAILS),
  };
}

export const legalSettings = [
  LEGAL_KEY_FILE,
  LEGAL_CASE_YEARS,
  LEGAL_PRIVACY_OFFICER_EMAILS,
  LEGAL_COUNSEL_EMAILS,
];
