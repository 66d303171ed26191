// Shared set-up for the patron HTTP tests (patrons.staff.http.test.ts, account.http.test.ts):
// a patron signed in through the form from a fresh address, and the access-log count of a record.
import type { TestEnv } from '../../../test/support/env.ts';
import { Browser } from '../../../test/support/http.ts';
import { TEST_PIN } from '../../../test/support/patrons.ts';
import type { App } from '../../http/types.ts';

let ipSeq = 0;
/** A fresh client address per call, so sign-in throttles of different tests never overlap. */
export const uniqueIp = () => `198.18.${Math.floor(++ipSeq / 250)}.${(ipSeq % 250) + 1}`;

/** Signs a patron in through the form; the browser keeps the session cookie. */
export async function patronBrowser(
  app: App,
  cardNumber: string,
  pin = TEST_PIN,
  extra: Record<string, string> = {},
) {
  const b = new Browser(app, {}, { remoteAddress: uniqueIp() });
  const res = await b.submit('/account/login', '/account/login', { cardNumber, pin, ...extra });
  return { b, res };
}

/** How many access-log entries a patron's record has (A6). */
export async function logCount(env: TestEnv, patronId: string): Promise<number> {
  const rows = await env.ctx.db
    .selectFrom('patron_access_log')
    .select('id')
    .where('patron_id', '=', patronId)
    .execute();
  return rows.length;
}
