// One server under test for bench/sip2.ts, in its own process so that it has an event loop (and a
// core) of its own, apart from the load generator.
//
// `carrel`: Carrel's SIP2 server (startSip2Server, TLS only) on a freshly migrated SQLite database
// in a temporary DATA_DIR, with one account as `carrel sip2 add` makes it (login `bench`, allowed
// from loopback, TLS only, UTF-8, no checksums) and --patrons patrons sharing one real argon2id PIN
// hash (hashing one per patron would take minutes). Every third patron has two loans (checked out
// through the circulation service), so 64 has counts to fill.
// `echo`: a bare TLS server with the same certificate that answers every CR-terminated frame with a
// frame of --reply-bytes bytes (the size of Carrel's 64), the baseline.
//
// Talks to its parent over IPC: sends {ready}, answers {cpu} with process.cpuUsage() and the
// count of argon2id verifications, and shuts down on {stop} or when the parent goes away.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

export interface Sip2Settings {
  patrons: number;
  certFile: string;
  keyFile: string;
  /** echo: the size of each answer, CR included. */
  replyBytes: number;
}

export type ToServer = { type: 'cpu' } | { type: 'stop' };
export type FromServer =
  | { type: 'ready'; port: number; login: string; password: string; cards: string[]; pin: string }
  | { type: 'cpu'; user: number; system: number; verifications: number };

const kind = process.argv[2];
const settings = JSON.parse(process.argv[3] ?? 'null') as Sip2Settings | null;
if ((kind !== 'carrel' && kind !== 'echo') || !settings)
  throw new Error('usage: sip2-server.ts carrel|echo <settings JSON> (started by bench/sip2.ts)');
if (!process.send) throw new Error('sip2-server.ts must be started with an IPC channel (by bench/sip2.ts)');
const send = (m: FromServer) => process.send?.(m);

const PIN = '4817';
const PASSWORD = 'bench-terminal-password';

interface Running {
  port: number;
  cards: string[];
  verifications(): number;
  close(): Promise<void>;
}

async function startEcho(s: Sip2Settings): Promise<Running> {
  const reply = Buffer.from(`64${'x'.repeat(Math.max(0, s.replyBytes - 3))}\r`, 'utf8');
  const open = new Set<tls.TLSSocket>();
  const server = tls.createServer(
    { cert: fs.readFileSync(s.certFile), key: fs.readFileSync(s.keyFile), minVersion: 'TLSv1.2' },
    (socket) => {
      open.add(socket);
      socket.setNoDelay(true);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => socket.destroy());
      socket.on('data', (chunk: Buffer) => {
        for (const b of chunk) if (b === 0x0d) socket.write(reply);
      });
    },
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    cards: [],
    verifications: () => 0,
    close: async () => {
      for (const sock of open) sock.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function startCarrel(s: Sip2Settings): Promise<Running> {
  const { loadConfig } = await import('../src/config.ts');
  const { createContext } = await import('../src/app/root.ts');
  const { migrateToLatest } = await import('../src/db/migrate.ts');
  const { hashSecret, verifications } = await import('../src/auth/passwords.ts');
  const { addSip2Account, addSip2AccountSchema } = await import('../src/features/sip2/sip2.accounts.ts');
  const { startSip2Server } = await import('../src/features/sip2/sip2.server.ts');
  const { addItem, addPatron, addRecord, deskActor } =
    await import('../test/support/circulation-fixtures.ts');
  const { checkOut } = await import('../src/features/circulation/circulation.service.ts');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-bench-sip2-'));
  // A clean environment: nothing from the caller's shell (DATABASE_URL, LOG_LEVEL...) leaks in.
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'warn', DEMO_DATA: 'false', HOST: '127.0.0.1' });
  const ctx = createContext(config);
  await migrateToLatest(ctx.db);
  await addSip2Account(
    ctx,
    addSip2AccountSchema.parse({
      login: 'bench',
      password: PASSWORD,
      institution: 'CARREL',
      branch: 'MAIN',
      networks: ['127.0.0.0/8'],
      plainNetworks: [],
      charset: 'utf-8',
      checksumsRequired: false,
    }),
  );
  const pinHash = await hashSecret(PIN);
  const cards: string[] = [];
  for (let p = 0; p < s.patrons; p++) {
    const patron = await addPatron(ctx, {});
    await ctx.db.updateTable('patrons').set({ pin_hash: pinHash }).where('id', '=', patron.id).execute();
    cards.push(patron.cardNumber);
    if (p % 3 === 0)
      for (let l = 0; l < 2; l++) {
        const item = await addItem(ctx, (await addRecord(ctx)).id);
        await checkOut(ctx, deskActor, { patronId: patron.id, barcode: item.barcode, branch: 'MAIN' });
      }
  }
  const server = await startSip2Server(ctx, {
    host: '127.0.0.1',
    tls: { port: 0, cert: fs.readFileSync(s.certFile), key: fs.readFileSync(s.keyFile) },
    idleMs: 120_000,
    maxConnections: 200,
  });
  return {
    port: server.tlsPort!,
    cards,
    verifications: () => verifications.count,
    async close() {
      await server.stop();
      await ctx.database.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const running = kind === 'carrel' ? await startCarrel(settings) : await startEcho(settings);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await running.close();
  process.exit(0);
}

process.on('message', (m: ToServer) => {
  if (m.type === 'cpu') {
    const u = process.cpuUsage();
    send({ type: 'cpu', user: u.user, system: u.system, verifications: running.verifications() });
  } else if (m.type === 'stop') void stop();
});
process.on('disconnect', () => void stop());
send({
  type: 'ready',
  port: running.port,
  login: 'bench',
  password: PASSWORD,
  cards: running.cards,
  pin: PIN,
});
