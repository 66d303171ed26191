// "The other library system" for the SIP2-client tests (issue 14 item 9): a second Carrel, on its
// own SQLite database, serving SIP2 over TLS (certificate of a private test CA) and plain TCP,
// with its own patrons. Carrel's public computers sign in against it as against Koha or Evergreen.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashSecret } from '../../auth/passwords.ts';
import type { AppContext } from '../../context.ts';
import { EnvReader } from '../../config/setting.ts';
import { readPcsSip2 } from '../../config/pcs-sip2.ts';
import { addPatron } from '../../../test/support/circulation-fixtures.ts';
import { createTestEnv, type TestEnv } from '../../../test/support/env.ts';
import { testCertificate } from '../../../test/support/smtp.ts';
import { addAccounts, PASSWORD, startTestServer } from '../sip2/sip2.test-support.ts';
import type { Sip2Server } from '../sip2/sip2.server.ts';

/** A PIN no timestamp or id can contain by chance. */
export const ILS_PIN = 'Zq9pinLm3';

export interface Ils {
  env: TestEnv;
  server: Sip2Server;
  /** The environment that points Carrel's public computers at this server over TLS. */
  vars: Record<string, string>;
  /** 63 exchanges the server has answered so far (from its own log lines). */
  patronLookUps(): number;
  /** A patron of the other system, with ILS_PIN. */
  patron(opts?: { ageBand?: string | null; blockReason?: string; cardExpiresAt?: string }): Promise<{
    cardNumber: string;
    name: string;
  }>;
  stop(): Promise<void>;
}

let seq = 0;

export async function startIls(): Promise<Ils> {
  const env = await createTestEnv('sqlite');
  await addAccounts(env.ctx);
  const server = await startTestServer(env.ctx);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-pcs-sip2-'));
  const passwordFile = path.join(dir, 'sip2-password');
  fs.writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  const pinHash = await hashSecret(ILS_PIN);
  return {
    env,
    server,
    vars: {
      PCS_SIP2_HOST: '127.0.0.1',
      PCS_SIP2_PORT: String(server.tlsPort),
      PCS_SIP2_CA: testCertificate().certFile,
      PCS_SIP2_LOGIN: 'tlsonly',
      PCS_SIP2_PASSWORD_FILE: passwordFile,
      PCS_SIP2_INSTITUTION: 'CARREL',
      PCS_SIP2_LOCATION: 'MAIN',
      PCS_SIP2_TIMEOUT_SECONDS: '2',
      PCS_SIP2_AGE_BANDS: 'CHILD=child,teen=teen,*=adult',
    },
    patronLookUps: () => env.logs.filter((l) => l.includes('"sip2":"63"')).length,
    async patron(opts = {}) {
      const p = await addPatron(env.ctx, { name: `Ada Sipworth ${++seq}`, ...opts });
      await env.ctx.db.updateTable('patrons').set({ pin_hash: pinHash }).where('id', '=', p.id).execute();
      return { cardNumber: p.cardNumber, name: p.name };
    },
    async stop() {
      await server.stop();
      await env.cleanup();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The same context with its public-computer logins pointed elsewhere (a fresh patron source). */
export function withSip2(ctx: AppContext, vars: Record<string, string>): AppContext {
  const r = new EnvReader(vars);
  const sip2 = readPcsSip2(r, ctx.config.library);
  if (r.problems.length > 0) throw new Error(r.problems.join('; '));
  return { ...ctx, config: { ...ctx.config, pcs: { ...ctx.config.pcs, sip2 } } };
}
