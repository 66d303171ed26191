// Data inventory entries for patron accounts, their sessions and the staff access log (G1, A1–A6).
import type { Config } from '../../config.ts';
import type { PersonalColumn, TableEntry } from '../../privacy/inventory.ts';
import type { Role } from '../staff/roles.ts';
import { plural } from '../../plural.ts';

const desk: Role[] = ['circulation', 'admin'];

export function patronsInventory(config: Config): TableEntry[] {
  const account = (
    description: string,
    purpose: string,
    extra: Partial<PersonalColumn> = {},
  ): PersonalColumn => ({
    personal: true,
    category: 'account',
    description,
    purpose,
    clauses: ['A1'],
    retention: 'patrons.lapsed',
    readableBy: desk,
    inExport: true,
    ...extra,
  });
  const years = Math.round((config.patrons.lapsedAfterDays / 365) * 10) / 10;
  const session = (description: string, purpose: string): PersonalColumn => ({
    personal: true,
    category: 'activity',
    description,
    purpose,
    clauses: ['A4'],
    retention: 'patron_sessions.expired',
    readableBy: [],
    inExport: true,
  });
  return [
    {
      table: 'patrons',
      description: 'Library card holders: only what circulation needs (A1).',
      primaryKey: 'id',
      columns: {
        id: { personal: false, description: 'Random identifier of the account.' },
        card_number: account('Library card number.', 'Signing in and checking out.', {
          category: 'identity',
          clauses: ['A1', 'A2'],
        }),
        name: account('Your name.', 'Knowing whom a card belongs to at the desk.', { category: 'identity' }),
        home_branch: account('Your home branch.', 'Pickup defaults and local-first holds.'),
        email: account('E-mail address, if you gave one.', 'Service notices and PIN reset links.', {
          category: 'contact',
        }),
        phone: account('Phone number, if you gave one.', 'Calling you about your materials.', {
          category: 'contact',
        }),
        age_band: account(
          'Age band (child, teen or adult), only if a loan rule needs one; never a birth date.',
          'Loan rules for some materials.',
        ),
        pin_hash: account(
          'One-way argon2id hash of your PIN; the PIN itself is never stored and nobody can view it.',
          'Checking your PIN at sign-in.',
          { category: 'credential', clauses: ['A2'], readableBy: [], inExport: false },
        ),
        pin_must_change: {
          personal: false,
          description: 'Whether a new PIN must be chosen at next sign-in.',
        },
        card_expires_at: account('When your card expires.', 'Renewing cards; removing lapsed accounts.'),
        block_reason: account('Why staff blocked the card, if they did.', 'Telling you and staff why.'),
        blocked_at: account('When the card was blocked.', 'Telling you and staff since when.'),
        keep_history: account('Whether you chose to keep a reading history (off by default).', 'C3.', {
          clauses: ['C3'],
        }),
        open_loans: account('How many items you have out.', 'Loan limits; closing an account.'),
        notice_email: account('Whether you want service notices by e-mail.', 'Your choice of notices (N2).', {
          clauses: ['N2'],
        }),
        notice_titles: account(
          'Whether notice e-mails may name the titles (off by default; never in subject lines).',
          'Your choice of what notices say (N2).',
          { clauses: ['N2'] },
        ),
        email_undeliverable_at: account(
          'When the mail server refused your e-mail address for good, if it did.',
          'Not sending to an address that does not work; telling you and staff to correct it.',
          { category: 'contact', clauses: ['N2'] },
        ),
        announcements_consent_at: account(
          'When you subscribed to library announcements, if you did (off by default).',
          'Your separate consent to announcements (N1).',
          { clauses: ['N1'] },
        ),
        created_at: account('When the account was opened.', 'Showing you since when.'),
        updated_at: { personal: false, description: 'When the account last changed.' },
      },
      retention: [
        {
          id: 'patrons.lapsed',
          description: `An account is deleted at once when the patron closes it (with nothing out), or ${plural(years, 'year')} after the card expired if nothing is out; its holds, sessions and reading history go with it.`,
          after: 'card_expires_at',
          period: { days: config.patrons.lapsedAfterDays },
          where: [{ column: 'open_loans', op: '=', value: 0 }],
        },
      ],
      holdScope: { subject: { kind: 'patron', column: 'id' }, dateColumn: 'created_at' },
    },
    {
      table: 'patron_sessions',
      description: 'Signed-in patron sessions.',
      primaryKey: 'id',
      columns: {
        id: { personal: false, description: 'Identifier of the session, the first part of its cookie.' },
        secret_hash: { personal: false, description: "One-way hash of the cookie's secret part." },
        patron_id: session('Which account the session belongs to.', 'Keeping you signed in.'),
        is_public_terminal: session(
          'Whether you said you were on a public computer.',
          'Signing you out sooner on public computers.',
        ),
        created_at: session('When you signed in.', 'Ending the session after the absolute time-out.'),
        last_seen_at: session(
          'When the session was last used.',
          'Ending the session after the idle time-out.',
        ),
        expires_at: { personal: false, description: 'When the session stops working.' },
        absolute_expires_at: { personal: false, description: 'Latest moment the session can last until.' },
        flash: session(
          'A short message waiting for your next page, such as "Your hold is placed"; removed when shown.',
          'Telling you what happened after a form, without putting the message in the address.',
        ),
      },
      retention: [
        {
          id: 'patron_sessions.expired',
          description: `A patron session is deleted as soon as it expires: after ${plural(config.patronSession.idleMinutes, 'minute')} without activity (${config.patronSession.publicIdleMinutes} on a public computer), ${plural(config.patronSession.maxHours, 'hour')} after sign-in, or at sign-out.`,
          after: 'expires_at',
          period: {},
        },
      ],
      holdScope: { subject: { kind: 'patron', column: 'patron_id' }, dateColumn: 'created_at' },
    },
    {
      table: 'pin_reset_tokens',
      description: 'PIN reset links sent by e-mail, waiting to be used.',
      primaryKey: 'id',
      columns: {
        id: { personal: false, description: 'Identifier of the link, its first part.' },
        patron_id: {
          personal: true,
          category: 'credential',
          description: 'Which account the link resets.',
          purpose: 'Letting you choose a new PIN from the e-mail address on file.',
          clauses: ['A2'],
          retention: 'pin_reset_tokens.expired',
          readableBy: [],
          inExport: false,
        },
        token_hash: { personal: false, description: "One-way hash of the link's secret part." },
        created_at: {
          personal: true,
          category: 'activity',
          description: 'When a PIN reset link was requested.',
          purpose: 'Letting you choose a new PIN from the e-mail address on file.',
          clauses: ['A2'],
          retention: 'pin_reset_tokens.expired',
          readableBy: [],
          inExport: true,
        },
        expires_at: { personal: false, description: 'When the link stops working.' },
      },
      retention: [
        {
          id: 'pin_reset_tokens.used',
          description:
            'A PIN reset link is deleted when it is used, with every other link and session of the account.',
          event: 'PIN reset',
        },
        {
          id: 'pin_reset_tokens.expired',
          description:
            'An unused PIN reset link is deleted as soon as it expires, 30 minutes after it was sent.',
          after: 'expires_at',
          period: {},
        },
      ],
      holdScope: { subject: { kind: 'patron', column: 'patron_id' }, dateColumn: 'created_at' },
    },
    {
      table: 'patron_access_log',
      description: 'Which staff member opened which patron record, when and why; never titles (A6).',
      primaryKey: 'id',
      columns: {
        id: { personal: false, description: 'Identifier of the entry.' },
        staff_id: {
          personal: true,
          category: 'activity',
          description: 'The staff member who opened the record.',
          purpose: 'Accountability for staff access to patron records.',
          clauses: ['A6'],
          retention: 'patron_access_log.expired',
          readableBy: ['privacy-officer'],
          inExport: false,
        },
        patron_id: {
          personal: true,
          category: 'activity',
          description: 'Whose record was opened.',
          purpose: 'Accountability for staff access to patron records.',
          clauses: ['A6'],
          retention: 'patron_access_log.expired',
          readableBy: ['privacy-officer'],
          inExport: false,
        },
        viewed_at: {
          personal: true,
          category: 'activity',
          description: 'When staff opened your record.',
          purpose: 'Accountability for staff access to patron records.',
          clauses: ['A6'],
          retention: 'patron_access_log.expired',
          readableBy: ['privacy-officer'],
          inExport: true,
        },
        purpose: {
          personal: true,
          category: 'activity',
          description: 'Why staff opened your record (e.g. check-out, account help).',
          purpose: 'Accountability for staff access to patron records.',
          clauses: ['A6'],
          retention: 'patron_access_log.expired',
          readableBy: ['privacy-officer'],
          inExport: true,
        },
      },
      retention: [
        {
          id: 'patron_access_log.expired',
          description: `An entry of the staff access log is deleted ${plural(config.patrons.accessLogDays, 'day')} after the view it records.`,
          after: 'viewed_at',
          period: { days: config.patrons.accessLogDays },
        },
      ],
      holdScope: { subject: { kind: 'patron', column: 'patron_id' }, dateColumn: 'viewed_at' },
    },
  ];
}
