// Public-computer logins checked by another library system over SIP2 (issue 14 item 9; P1, P3).
// One persistent connection, logged in (93) once and opened again when it fails; each login is one
// 63 Patron Information with the PIN (AD). Of the 64 reply only three things are used — BL/CQ, the
// patron status, the category field for the age band — and only the age band outlives the call;
// the card number goes on to the day key as with Carrel's own patrons. Log lines carry an outcome
// word, never a field value.
import fs from 'node:fs';
import type { AppContext } from '../../context.ts';
import { localDay } from '../../clock.ts';
import type { PcsSip2Config } from '../../config.ts';
import type { AgeBandRule } from '../../config/pcs-sip2.ts';
import { connectSip2, Sip2ClientError, type Sip2Client, type Sip2ClientOptions } from '../../sip2/client.ts';
import { MESSAGE_SPECS, type SipMessageOf } from '../../sip2/spec.ts';
import { parsePatronStatus } from '../../sip2/status.ts';
import { normalizeCardNumber } from '../patrons/card-numbers.ts';
import type { PatronCheck, PatronSource } from './pcs.patron-source.ts';

/** The 93 login was answered with 0: Carrel's account at the library system is wrong. */
class LoginRefused extends Error {}

export class Sip2PatronSource implements PatronSource {
  private client: Sip2Client | undefined;
  private connecting: Promise<Sip2Client> | undefined;
  private closed = false;

  constructor(
    private readonly cfg: PcsSip2Config,
    private readonly timeZone: string,
  ) {}

  async check(ctx: AppContext, cardNumber: string, pin: string): Promise<PatronCheck> {
    const card = normalizeCardNumber(cardNumber);
    if (!card || !pin) return { ok: false, reason: 'BAD_LOGIN' };
    for (let attempt = 0; ; attempt++) {
      try {
        const c = await this.connection(ctx);
        const reply = await c.patronInformation({ patronIdentifier: card, patronPassword: pin });
        return interpretReply(reply, card, this.cfg, localDay(ctx.clock.now(), this.timeZone));
      } catch (err) {
        // A connection the server closed while idle fails at once: one fresh connection, one retry.
        if (attempt === 0 && err instanceof Sip2ClientError && err.code === 'closed' && !this.closed)
          continue;
        ctx.logger.warn(
          { sip2: outcomeOf(err) },
          'pcs: the library system did not check a login (SIP2); the login is refused',
        );
        return { ok: false, reason: 'ILS_UNAVAILABLE' };
      }
    }
  }

  async warmUp(ctx: AppContext): Promise<void> {
    try {
      await this.connection(ctx);
      ctx.logger.info('pcs: connected to the library system (SIP2) for public-computer logins');
    } catch (err) {
      ctx.logger.warn(
        { sip2: outcomeOf(err) },
        'pcs: cannot reach the library system (SIP2); will try again at the next login',
      );
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    await c?.close();
  }

  /** The open, logged-in connection, or a new one (one attempt at a time). */
  private connection(ctx: AppContext): Promise<Sip2Client> {
    if (this.closed) return Promise.reject(new Sip2ClientError('closed', 'patron source closed'));
    if (this.client && !this.client.isClosed) return Promise.resolve(this.client);
    this.connecting ??= this.connect(ctx).finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(ctx: AppContext): Promise<Sip2Client> {
    this.client = undefined;
    const c = await connectSip2(this.options(ctx));
    const login = this.cfg.login;
    if (login) {
      const ok = await c.login({
        userId: login.userId,
        password: login.password,
        ...(login.locationCode !== null ? { locationCode: login.locationCode } : {}),
      });
      if (!ok) {
        await c.close();
        throw new LoginRefused();
      }
    }
    if (this.closed) {
      await c.close();
      throw new Sip2ClientError('closed', 'patron source closed');
    }
    this.client = c;
    return c;
  }

  private options(ctx: AppContext): Sip2ClientOptions {
    const { cfg } = this;
    return {
      host: cfg.host,
      port: cfg.port,
      ...(cfg.tls ? { tls: cfg.tls.caFile ? { ca: fs.readFileSync(cfg.tls.caFile) } : {} } : {}),
      charset: cfg.charset,
      timeoutMs: cfg.timeoutMs,
      errorDetection: cfg.checksums,
      institutionId: cfg.institution,
      clock: ctx.clock,
      timeZone: this.timeZone,
    };
  }
}

/** A log word for a failure: the client's error code, never its text or anything sent. */
function outcomeOf(err: unknown): string {
  if (err instanceof LoginRefused) return 'login-refused';
  if (err instanceof Sip2ClientError) return err.code;
  return 'error';
}

const fieldNames = new Map<string, string>(MESSAGE_SPECS['64'].vars.map(([id, name]) => [id, name]));

/** A variable field of a 64 by its two-letter id, known to the codec or not. */
export function fieldOf(reply: SipMessageOf<'64'>, id: string): string | undefined {
  const name = fieldNames.get(id);
  const value: unknown = name ? (reply as unknown as Record<string, unknown>)[name] : undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
  return reply.unknownFields?.find((f) => f.id === id)?.value;
}

/** A screen message short and plain enough to show at the login screen; undefined otherwise. */
export function shownMessage(messages: readonly string[] | undefined): string | undefined {
  for (const m of messages ?? []) {
    const t = m.trim();
    if (t.length >= 3 && t.length <= 100 && /^[\p{L}\p{N} .,;:!?'’"()/&%$€£+-]+$/u.test(t)) return t;
  }
  return undefined;
}

/** Whole years from a birth date (YYYYMMDD…) to a day (YYYY-MM-DD); undefined when unreadable. */
export function ageOn(birth: string, day: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(birth.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  const [ty, tmo, td] = day.split('-').map(Number) as [number, number, number];
  const age = ty - y - (tmo < mo || (tmo === mo && td < d) ? 1 : 0);
  return age >= 0 ? age : undefined;
}

/** The age band the reply's configured field gives, or the fallback. */
function ageBandOf(reply: SipMessageOf<'64'>, rule: AgeBandRule, day: string): string | null {
  const value = fieldOf(reply, rule.field)?.trim();
  if (!value) return rule.fallback;
  if (rule.field === 'PB') {
    const age = ageOn(value, day);
    return (age !== undefined && rule.ages.find((a) => age >= a.from && age <= a.to)?.band) || rule.fallback;
  }
  return rule.map.get(value.toLowerCase()) ?? rule.fallback;
}

/** Reads a 64: accepted only with BL Y and CQ Y, refused on a configured status flag. */
export function interpretReply(
  reply: SipMessageOf<'64'>,
  card: string,
  cfg: PcsSip2Config,
  day: string,
): PatronCheck {
  if (reply.validPatron !== true || reply.validPatronPassword !== true)
    return { ok: false, reason: 'BAD_LOGIN' };
  const flags = parsePatronStatus(reply.patronStatus);
  if (cfg.denyOn.some((f) => flags.has(f))) {
    const message = shownMessage(reply.screenMessage);
    return { ok: false, reason: 'ACCOUNT_DISABLED', ...(message ? { message } : {}) };
  }
  return { ok: true, patron: { cardNumber: card, ageBand: ageBandOf(reply, cfg.ageBands, day) } };
}
