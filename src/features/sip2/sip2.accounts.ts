// SIP2 accounts (issue 14 item 8): creating, listing and disabling them (the CLI), and checking a
// 93 Login against them. A wrong password, institution, address or a disabled account get the
// same refusal; failures are throttled per login and address like staff sign-ins (A3).
import { z } from 'zod';
import { iso } from '../../clock.ts';
import type { AppContext } from '../../context.ts';
import { generatePassword, hashSecret, verifySecret } from '../../auth/passwords.ts';
import { attemptSucceeded, reserveAttempt, signInKeys } from '../../auth/throttle.ts';
import { ConflictError, TooManyRequestsError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { SIP_CHARSETS, type SipCharset } from '../../sip2/charset.ts';
import { badNetworks, inNetworks } from './networks.ts';
import * as repo from './sip2.repository.ts';

const networkList = z
  .array(z.string().trim())
  .transform((l) => l.filter(Boolean))
  .refine((l) => badNetworks(l).length === 0, {
    message: 'Each range must be an address or a CIDR range, like 10.2.0.0/16 or 2001:db8::/48.',
  });

/** The CLI's input for a new account, checked at the edge with parseInput. */
export const addSip2AccountSchema = z
  .object({
    login: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'The login is 1–64 letters, digits, dots, hyphens or underscores.'),
    password: z
      .string()
      .min(12, 'The terminal password must be at least 12 characters.')
      .max(128, 'The terminal password must be at most 128 characters.')
      .refine((p) => !/[|\r\n]/.test(p), 'The terminal password cannot contain |, CR or LF.')
      .optional(),
    institution: z
      .string()
      .trim()
      .regex(/^[^|\r\n]{1,64}$/, 'The institution id is 1–64 characters without |.'),
    branch: z.string().trim().min(1, 'Name the branch the machine stands in.'),
    networks: networkList.refine((l) => l.length > 0, 'Name at least one address range (--allow).'),
    plainNetworks: networkList,
    charset: z
      .string()
      .transform((c) => (c.toLowerCase() === 'utf-8' ? 'utf8' : c.toLowerCase()))
      .refine((c): c is SipCharset => (SIP_CHARSETS as readonly string[]).includes(c), {
        message: 'The charset is utf-8 or ibm850.',
      }),
    checksumsRequired: z.boolean(),
  })
  .refine((v) => v.plainNetworks.every((n) => inNetworks(n.split('/')[0]!, v.networks)), {
    message: 'Every plain-TCP range must lie within the allowed ranges (--allow).',
    path: ['plainNetworks'],
  });
export type AddSip2Account = z.output<typeof addSip2AccountSchema>;

/** An account as the server uses it. */
export interface Sip2Account {
  id: string;
  login: string;
  institution: string;
  branch: string;
  networks: string[];
  plainNetworks: string[];
  charset: SipCharset;
  checksumsRequired: boolean;
  disabled: boolean;
}

const toAccount = (r: repo.Sip2AccountRow): Sip2Account => ({
  id: r.id,
  login: r.login,
  institution: r.institution,
  branch: r.branch,
  networks: JSON.parse(r.networks) as string[],
  plainNetworks: JSON.parse(r.plain_networks) as string[],
  charset: r.charset === 'ibm850' ? 'ibm850' : 'utf8',
  checksumsRequired: r.checksums_required === 1,
  disabled: r.is_disabled === 1,
});

/** Creates an account; returns the generated password (to print once) when none was given. */
export async function addSip2Account(
  ctx: AppContext,
  input: AddSip2Account,
): Promise<{ account: Sip2Account; generatedPassword: string | null }> {
  if (!ctx.config.library.branches.some((b) => b.code === input.branch))
    throw new ConflictError(
      `There is no branch "${input.branch}"; use one of: ${ctx.config.library.branches.map((b) => b.code).join(', ')}.`,
    );
  if (await repo.findSip2AccountByLogin(ctx.db, input.login))
    throw new ConflictError(`There is already a SIP2 account "${input.login}".`);
  const password = input.password ?? generatePassword();
  const at = iso(ctx.clock.now());
  const row = {
    id: newId(),
    login: input.login,
    password_hash: await hashSecret(password),
    institution: input.institution,
    branch: input.branch,
    networks: JSON.stringify(input.networks),
    plain_networks: JSON.stringify(input.plainNetworks),
    charset: input.charset,
    checksums_required: input.checksumsRequired ? 1 : 0,
    is_disabled: 0,
    created_at: at,
    updated_at: at,
  };
  await repo.insertSip2Account(ctx.db, row);
  return { account: toAccount(row), generatedPassword: input.password ? null : password };
}

export async function listSip2Accounts(ctx: AppContext): Promise<Sip2Account[]> {
  return (await repo.listSip2Accounts(ctx.db)).map(toAccount);
}

export async function disableSip2Account(ctx: AppContext, login: string): Promise<boolean> {
  return repo.disableSip2Account(ctx.db, login, iso(ctx.clock.now()));
}

/** Why a login was refused, for the log only (the machine is told 94 `0` whatever the reason). */
export type Sip2LoginRefusal = 'wrong-login' | 'throttled';

/**
 * Checks a 93 Login from `address` over TLS or plain TCP. One argon2id verification whether or
 * not the login exists; a disabled account, a wrong institution (when the CP/AO is checked later
 * per message) or an address outside the account's ranges fail like a wrong password.
 */
export async function authenticateSip2(
  ctx: AppContext,
  input: { login: string; password: string; address: string; plain: boolean },
): Promise<{ ok: true; account: Sip2Account } | { ok: false; reason: Sip2LoginRefusal }> {
  const keys = signInKeys(ctx.config.secret, 'sip2', input.login, input.address);
  try {
    await reserveAttempt(
      ctx.db,
      ctx.database.ops,
      [keys.pair, keys.source, keys.account],
      ctx.clock.now(),
      ctx.logger,
    );
  } catch (e) {
    if (e instanceof TooManyRequestsError) return { ok: false, reason: 'throttled' };
    throw e;
  }
  const row = await repo.findSip2AccountByLogin(ctx.db, input.login);
  const ok = await verifySecret(row?.password_hash ?? null, input.password);
  if (!row || !ok || row.is_disabled === 1) return { ok: false, reason: 'wrong-login' };
  const account = toAccount(row);
  const ranges = input.plain ? account.plainNetworks : account.networks;
  if (!inNetworks(input.address, ranges)) return { ok: false, reason: 'wrong-login' };
  await attemptSucceeded(ctx.db, ctx.database.ops, [keys.pair], [keys.source, keys.account]);
  return { ok: true, account };
}
