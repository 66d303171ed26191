// One signed-in SIP2 request to its reply (issue 14 item 8), and the outcome word the server logs
// (never a field value: P3, G4). A request for another institution (AO) than the account's is
// refused without looking anything up.
import type { AppContext } from '../../context.ts';
import type { SipMessage, SipMessageOf } from '../../sip2/spec.ts';
import { checkin, checkout, hold, itemInformation, renew } from './sip2.circulation.ts';
import { endPatronSession, patronInformation, patronStatus, patronStatusOf } from './sip2.patrons.ts';
import type { Sip2Session } from './sip2.session.ts';

/** The messages this server answers, as the 16 positions of BX in 98 (SIP2 2.00 order). */
export const SUPPORTED_MESSAGES = [
  ['23', true], // patron status
  ['11', true], // checkout
  ['09', true], // checkin
  ['01', false], // block patron
  ['99', true], // SC/ACS status
  ['97', true], // request SC/ACS resend
  ['93', true], // login
  ['63', true], // patron information
  ['35', true], // end patron session
  ['37', false], // fee paid
  ['17', true], // item information
  ['19', false], // item status update
  ['25', false], // patron enable
  ['15', true], // hold
  ['29', true], // renew
  ['65', false], // renew all
] as const;

export const supportedMessagesField = (): string =>
  SUPPORTED_MESSAGES.map(([, yes]) => (yes ? 'Y' : 'N')).join('');

const WRONG_INSTITUTION = 'This machine is not set up for that institution.';

export interface Dispatched {
  reply: SipMessage | null;
  outcome: string;
}

const okOutcome = (ok: boolean): string => (ok ? 'ok' : 'refused');

export async function dispatch(ctx: AppContext, session: Sip2Session, msg: SipMessage): Promise<Dispatched> {
  if ('institutionId' in msg && msg.institutionId !== session.account.institution && msg.code !== '98') {
    const reply = wrongInstitution(ctx, session, msg);
    if (reply) return { reply, outcome: 'wrong-institution' };
  }
  switch (msg.code) {
    case '99':
      return { reply: acsStatus(ctx, session), outcome: 'ok' };
    case '23': {
      const reply = await patronStatus(ctx, session, msg);
      return { reply, outcome: patronOutcome(reply) };
    }
    case '63': {
      const reply = await patronInformation(ctx, session, msg);
      return { reply, outcome: patronOutcome(reply) };
    }
    case '35':
      return { reply: endPatronSession(session, msg), outcome: 'ok' };
    case '17': {
      const reply = await itemInformation(ctx, session, msg);
      return { reply, outcome: reply.titleIdentifier ? 'ok' : 'unknown-item' };
    }
    case '11': {
      const reply = await checkout(ctx, session, msg);
      return { reply, outcome: okOutcome(reply.ok) };
    }
    case '09': {
      const reply = await checkin(ctx, session, msg);
      return { reply, outcome: okOutcome(reply.ok) };
    }
    case '29': {
      const reply = await renew(ctx, session, msg);
      return { reply, outcome: okOutcome(reply.ok) };
    }
    case '15': {
      const reply = await hold(ctx, session, msg);
      return { reply, outcome: okOutcome(reply.ok) };
    }
    default:
      // Responses (94, 98, …) sent to a server, or 96: nothing to answer.
      return { reply: null, outcome: 'ignored' };
  }
}

/** The refusal of a request for another institution, without looking anything up. */
function wrongInstitution(ctx: AppContext, session: Sip2Session, msg: SipMessage): SipMessage | null {
  const common = { transactionDate: session.now(), screenMessage: [WRONG_INSTITUTION] };
  switch (msg.code) {
    case '23':
    case '63': {
      const status = { patronStatus: patronStatusOf(ctx, undefined), language: msg.language };
      const who = { institutionId: msg.institutionId, patronIdentifier: msg.patronIdentifier };
      const none = { personalName: '', validPatron: false, ...common };
      if (msg.code === '23') return { code: '24', ...status, ...who, ...none };
      const counts = {
        holdItemsCount: 0,
        overdueItemsCount: 0,
        chargedItemsCount: 0,
        fineItemsCount: 0,
        recallItemsCount: 0,
        unavailableHoldsCount: 0,
      };
      return { code: '64', ...status, ...counts, ...who, ...none };
    }
    case '11':
    case '29': {
      const flags = { ok: false, renewalOk: false, magneticMedia: 'N', desensitize: 'N' } as const;
      const ids = {
        institutionId: msg.institutionId,
        patronIdentifier: msg.patronIdentifier,
        itemIdentifier: msg.itemIdentifier ?? '',
        titleIdentifier: '',
        dueDate: '',
      };
      return { code: msg.code === '11' ? '12' : '30', ...flags, ...ids, ...common } as SipMessage;
    }
    case '09':
      return {
        code: '10',
        ok: false,
        resensitize: false,
        magneticMedia: 'N',
        alert: false,
        institutionId: msg.institutionId,
        itemIdentifier: msg.itemIdentifier,
        permanentLocation: '',
        ...common,
      };
    case '15':
      return {
        code: '16',
        ok: false,
        available: false,
        institutionId: msg.institutionId,
        patronIdentifier: msg.patronIdentifier,
        ...common,
      };
    default:
      return null;
  }
}

function patronOutcome(reply: { validPatron?: boolean; validPatronPassword?: boolean }): string {
  if (!reply.validPatron) return 'unknown-patron';
  if (reply.validPatronPassword === false) return 'wrong-pin';
  return 'ok';
}

function acsStatus(ctx: AppContext, session: Sip2Session): SipMessageOf<'98'> {
  return {
    code: '98',
    onlineStatus: true,
    checkinOk: true,
    checkoutOk: true,
    acsRenewalPolicy: true,
    statusUpdateOk: false,
    offlineOk: false,
    timeoutPeriod: 30,
    retriesAllowed: 3,
    dateTimeSync: session.now(),
    protocolVersion: '2.00',
    institutionId: session.account.institution,
    libraryName: ctx.config.library.name,
    supportedMessages: supportedMessagesField(),
  };
}
