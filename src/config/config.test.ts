// Configuration: typed defaults, every problem reported at once, the library identity file.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { checkPortFree, ConfigError, loadConfig } from './index.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-config-'));

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

test('defaults: port 8080 on localhost, SQLite under DATA_DIR, a generated secret kept with owner-only access', () => {
  const dir = tmp();
  const c = loadConfig({ DATA_DIR: dir });
  assert.equal(c.port, 8080);
  assert.equal(c.host, 'localhost');
  assert.deepEqual(c.database, {
    dialect: 'sqlite',
    location: path.join(dir, 'carrel.db'),
    poolSize: 10,
    scrubDelayMs: 5000,
  });
  assert.equal(c.purge.intervalMinutes, 60);
  assert.equal(c.library.name, 'Carrel Public Library');
  assert.ok(c.secret.length >= 32);
  assert.equal(fs.statSync(path.join(dir, 'secret.key')).mode & 0o777, 0o600);
  assert.equal(loadConfig({ DATA_DIR: dir }).secret, c.secret, 'the same key is used on the next start');
});

test('every problem is listed at once, each naming its variable', () => {
  const problems = problemsOf({
    DATA_DIR: tmp(),
    PORT: 'eighty',
    LOG_LEVEL: 'loud',
    DATABASE_URL: 'mysql://db.example/carrel',
    TRUST_PROXY: '10.0.0.1,banana',
    MIGRATE_ON_START: 'maybe',
    PUBLIC_URL: 'ftp://library.example',
    STAFF_SESSION_IDLE_MINUTES: '-5',
  });
  const expectations = [
    'PORT',
    'LOG_LEVEL',
    'DATABASE_URL',
    'TRUST_PROXY entry "banana"',
    'MIGRATE_ON_START',
    'PUBLIC_URL',
    'STAFF_SESSION_IDLE_MINUTES',
  ];
  for (const name of expectations)
    assert.ok(
      problems.some((p) => p.startsWith(name)),
      `a problem names ${name}: ${problems.join(' | ')}`,
    );
  assert.equal(problems.length, expectations.length);
  const message = new ConfigError(problems).message;
  assert.ok(!message.includes('db.example'), 'a database URL (which may hold a password) is not echoed');
});

test('PostgreSQL needs a shared CARREL_SECRET; accepted URLs and TRUST_PROXY forms', () => {
  assert.ok(
    problemsOf({ DATA_DIR: tmp(), DATABASE_URL: 'postgres://u:p@localhost:5432/carrel' }).some((p) =>
      p.startsWith('CARREL_SECRET'),
    ),
  );
  assert.ok(problemsOf({ DATA_DIR: tmp(), CARREL_SECRET: 'short' }).some((p) => p.includes('at least 32')));
  const c = loadConfig({
    DATA_DIR: tmp(),
    DATABASE_URL: 'postgresql://u:p@db:5432/carrel',
    CARREL_SECRET: 'x'.repeat(40),
    TRUST_PROXY: 'loopback, 192.0.2.0/24, ::1',
  });
  assert.equal(c.database.dialect, 'postgres');
  assert.deepEqual(c.trustProxy, ['loopback', '192.0.2.0/24', '::1']);
  assert.equal(
    loadConfig({ DATA_DIR: tmp(), DATABASE_URL: 'sqlite:./x/y.db' }).database.location,
    path.resolve('./x/y.db'),
  );
});

test('TLS files must come in pairs and exist', () => {
  assert.ok(
    problemsOf({ DATA_DIR: tmp(), TLS_CERT_FILE: '/nope.pem' }).some((p) => p.includes('set together')),
  );
  const ps = problemsOf({ DATA_DIR: tmp(), TLS_CERT_FILE: '/nope-cert.pem', TLS_KEY_FILE: '/nope-key.pem' });
  assert.equal(ps.filter((p) => p.includes('does not exist')).length, 2);
});

test('the library identity file is validated with a message per mistake', () => {
  const dir = tmp();
  const file = path.join(dir, 'library.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      name: 'Test Library',
      timezone: 'Mars/Olympus',
      branches: [
        {
          code: 'MAIN',
          name: 'Main',
          address: { street: 'a', city: 'b', region: 'c', postalCode: 'd' },
          hours: { mon: '18:00-09:00', tue: 'closed' },
        },
        {
          code: 'MAIN',
          name: 'Again',
          address: { street: 'a', city: 'b', region: 'c', postalCode: 'd' },
          hours: { wed: 'nine to five' },
        },
      ],
      contacts: {
        webmaster: { name: 'W', email: 'not-an-address' },
        headLibrarian: { name: 'H', email: 'head@library.example' },
      },
    }),
  );
  const problems = problemsOf({ DATA_DIR: dir, LIBRARY_CONFIG: file });
  const joined = problems.join('\n');
  assert.match(joined, /timezone: is not a known IANA time zone/);
  assert.match(joined, /branches\.0\.hours\.mon: "18:00-09:00" is not "HH:MM-HH:MM"/);
  assert.match(joined, /branches\.1\.hours\.wed/);
  assert.match(joined, /branches\.1\.code: duplicate branch code MAIN/);
  assert.match(joined, /contacts\.webmaster\.email/);
  fs.writeFileSync(file, '{ "name": ');
  assert.match(problemsOf({ DATA_DIR: dir, LIBRARY_CONFIG: file })[0] ?? '', /is not valid JSON/);
  assert.match(
    problemsOf({ DATA_DIR: dir, LIBRARY_CONFIG: path.join(dir, 'missing.json') })[0] ?? '',
    /cannot be read/,
  );
});

test('a closed day may be left out, and hours parse into opening and closing times', () => {
  const c = loadConfig({ DATA_DIR: tmp() });
  const main = c.library.branches[0]!;
  assert.deepEqual(main.hours.mon, { opens: '09:00', closes: '20:00' });
  assert.equal(main.hours.sun, null);
});

test('checkPortFree names a port that is in use', async () => {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  try {
    assert.match(
      (await checkPortFree('127.0.0.1', port)) ?? '',
      new RegExp(`PORT ${port} on 127.0.0.1 is already in use`),
    );
  } finally {
    server.close();
  }
  assert.equal(await checkPortFree('127.0.0.1', port), null);
});
