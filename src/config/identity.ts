// The library's identity file (name, time zone, branches, hours, contacts), validated by
// libraryIdentitySchema with one problem line per mistake.
import fs from 'node:fs';
import path from 'node:path';
import { libraryIdentitySchema, type LibraryIdentity } from '../library.ts';
import type { Setting } from './setting.ts';

const defaultFile = path.join(import.meta.dirname, '..', '..', 'config', 'library.json');

/** Stands in after a problem, so the rest of the configuration can still be checked. */
const fallbackLibrary = {
  name: 'Library',
  timezone: 'UTC',
  branches: [
    {
      code: 'MAIN',
      name: 'Main',
      address: { street: '-', city: '-', region: '-', postalCode: '-' },
      hours: {},
    },
  ],
  contacts: {
    webmaster: { name: '-', email: 'webmaster@example.org' },
    headLibrarian: { name: '-', email: 'head@example.org' },
  },
};

export const LIBRARY_CONFIG: Setting<LibraryIdentity> = {
  name: 'LIBRARY_CONFIG',
  default: '`./config/library.json`',
  description: "JSON file with the library's name, time zone, branches, hours and contacts.",
  parse(v, r) {
    const file = path.resolve(v ?? defaultFile);
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      const why = err instanceof SyntaxError ? `is not valid JSON (${err.message})` : 'cannot be read';
      r.problem(`LIBRARY_CONFIG file ${file} ${why}.`);
      return libraryIdentitySchema.parse(fallbackLibrary);
    }
    const parsed = libraryIdentitySchema.safeParse(json);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        r.problem(
          `LIBRARY_CONFIG ${path.basename(file)}: ${issue.path.join('.') || '(top)'}: ${issue.message}`,
        );
      return libraryIdentitySchema.parse(fallbackLibrary);
    }
    return parsed.data;
  },
};

export const identitySettings = [LIBRARY_CONFIG];
