// The database and the data folder beside it: where data lives, the pool, the WAL scrub (G2),
// migrations and demo data at start-up, and the secret key kept in DATA_DIR.
import fs from 'node:fs';
import path from 'node:path';
import { boolSetting, EnvReader, intSetting, type Setting } from './setting.ts';

export interface DatabaseConfig {
  /** `sqlite` (embedded file, the default) or `postgres` (consortia). */
  dialect: 'sqlite' | 'postgres';
  /** File path for SQLite, connection string for PostgreSQL. */
  location: string;
  /** Maximum connections in the PostgreSQL pool. */
  poolSize: number;
  /** SQLite: deleted values leave the -wal file this long after the write (WAL_SCRUB_SECONDS). */
  scrubDelayMs: number;
}

export const DATA_DIR: Setting<string> = {
  name: 'DATA_DIR',
  default: '`./data`',
  description: 'Folder for the SQLite database and the generated secret key.',
  parse: (v) => path.resolve(v ?? './data'),
};

type Location = Pick<DatabaseConfig, 'dialect' | 'location'>;

export const DATABASE_URL: Setting<Location, { dataDir: string }> = {
  name: 'DATABASE_URL',
  default: 'SQLite at `DATA_DIR/carrel.db`',
  description: '`postgres://user:pass@host:5432/db` for PostgreSQL, or `sqlite:FILE`.',
  parse(url, r, { dataDir }) {
    const sqliteAt = (location: string): Location => ({ dialect: 'sqlite', location });
    if (url === undefined) return sqliteAt(path.join(dataDir, 'carrel.db'));
    if (url.startsWith('sqlite:')) {
      const file = url.slice('sqlite:'.length).replace(/^\/\//, '');
      if (file === '') r.problem('DATABASE_URL=sqlite: needs a file path, e.g. sqlite:./data/carrel.db.');
      return sqliteAt(path.resolve(file));
    }
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !['postgres:', 'postgresql:'].includes(parsed.protocol) || parsed.hostname === '') {
      // The value may hold a password, so it is not echoed back.
      r.problem('DATABASE_URL is not a postgres://user:password@host:port/database URL or sqlite:FILE.');
      return sqliteAt(path.join(dataDir, 'carrel.db'));
    }
    return { dialect: 'postgres', location: url };
  },
};

export const DATABASE_POOL_SIZE = intSetting('DATABASE_POOL_SIZE', {
  default: 10,
  min: 1,
  max: 200,
  description: 'Maximum PostgreSQL connections per instance.',
});

export const WAL_SCRUB_SECONDS = intSetting('WAL_SCRUB_SECONDS', {
  default: 5,
  min: 1,
  max: 50,
  description:
    'SQLite: seconds (1 to 50) after a deletion until the deleted data is gone from the WAL file too (G2).',
});

export function readDatabase(r: EnvReader, dataDir: string): DatabaseConfig {
  const poolSize = r.read(DATABASE_POOL_SIZE);
  const scrubDelayMs = r.read(WAL_SCRUB_SECONDS) * 1000;
  return { ...r.read(DATABASE_URL, { dataDir }), poolSize, scrubDelayMs };
}

export const MIGRATE_ON_START = boolSetting('MIGRATE_ON_START', {
  default: true,
  description: 'Apply pending database migrations when the server starts.',
});

export const DEMO_DATA = boolSetting('DEMO_DATA', {
  default: true,
  description: 'On a new, empty database, create demo staff accounts (credentials printed once).',
});

export const CARREL_SECRET: Setting<string, { dataDir: string; dialect: DatabaseConfig['dialect'] }> = {
  name: 'CARREL_SECRET',
  default: 'generated into `DATA_DIR/secret.key`',
  description:
    'At least 32 characters; signs cookies and keys the sign-in throttle. Required with PostgreSQL, identical on every instance.',
  parse(given, r, { dataDir, dialect }) {
    if (given !== undefined) {
      if (given.length < 32) r.problem('CARREL_SECRET must be at least 32 characters long.');
      return given;
    }
    if (dialect === 'postgres') {
      // Several instances share one PostgreSQL database; each needs the same key.
      r.problem(
        'CARREL_SECRET must be set when DATABASE_URL points to PostgreSQL (every instance needs the same key).',
      );
      return '';
    }
    // The embedded default keeps a generated key beside its database, created once with owner-only access.
    const file = path.join(dataDir, 'secret.key');
    try {
      fs.mkdirSync(dataDir, { recursive: true });
      if (!fs.existsSync(file)) {
        fs.writeFileSync(
          file,
          crypto
            .getRandomValues(new Uint8Array(32))
            .reduce((s, b) => s + b.toString(16).padStart(2, '0'), ''),
          { mode: 0o600, flag: 'wx' },
        );
      }
      return fs.readFileSync(file, 'utf8').trim();
    } catch (err) {
      r.problem(
        `DATA_DIR ${JSON.stringify(dataDir)} is not writable (${(err as NodeJS.ErrnoException).code ?? 'error'}); set DATA_DIR to a writable folder or set CARREL_SECRET.`,
      );
      return '';
    }
  },
};

export const databaseSettings = [
  DATA_DIR,
  DATABASE_URL,
  DATABASE_POOL_SIZE,
  WAL_SCRUB_SECONDS,
  CARREL_SECRET,
  MIGRATE_ON_START,
  DEMO_DATA,
];
