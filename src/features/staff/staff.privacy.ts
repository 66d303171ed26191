// Data inventory entries for staff accounts, sessions and login throttling (G1).
import type { Config } from '../../config.ts';
import type { TableEntry } from '../../privacy/inventory.ts';
import { plural } from '../../plural.ts';

export function staffInventory(config: Config): TableEntry[] {
  return [
    {
      table: 'staff',
      description: 'Accounts of library staff who sign in to the staff interface.',
      primaryKey: 'id',
      columns: {
        id: { personal: false, description: 'Random identifier of the account.' },
        username: {
          personal: true,
          category: 'identity',
          description: 'User name a staff member signs in with.',
          purpose: 'Signing staff in and attributing staff actions.',
          clauses: ['A6'],
          retention: 'staff.closed',
          readableBy: ['admin', 'privacy-officer'],
          inExport: false,
        },
        display_name: {
          personal: true,
          category: 'identity',
          description: "Staff member's name as shown in the staff interface.",
          purpose: 'Showing who is signed in and who did what.',
          clauses: ['A6'],
          retention: 'staff.closed',
          readableBy: ['admin', 'privacy-officer'],
          inExport: false,
        },
        password_hash: {
          personal: true,
          category: 'credential',
          description: 'One-way argon2id hash of the password; the password itself is never stored.',
          purpose: 'Checking a password at sign-in.',
          clauses: ['A2'],
          retention: 'staff.closed',
          readableBy: [],
          inExport: false,
        },
        is_disabled: { personal: false, description: 'Whether the account may sign in.' },
        must_change_password: {
          personal: false,
          description: 'Whether a new password must be chosen at next sign-in.',
        },
        is_director: {
          personal: false,
          description:
            "Whether the account is the library's director, the administrator who decides emergency requests from law enforcement with counsel.",
        },
        created_at: { personal: false, description: 'When the account was created.' },
        updated_at: {
          personal: false,
          description: 'When the account was last changed; also when it was disabled.',
        },
        password_changed_at: { personal: false, description: 'When the password was last set.' },
      },
      retention: [
        {
          id: 'staff.closed',
          description: 'A disabled staff account is deleted one year after it was disabled.',
          after: 'updated_at',
          period: { days: 365 },
          where: [{ column: 'is_disabled', op: '=', value: 1 }],
        },
      ],
      holdScope: { subject: { kind: 'staff', column: 'id' }, dateColumn: 'created_at' },
    },
    {
      table: 'staff_roles',
      description: 'Which roles each staff account holds.',
      primaryKey: 'staff_id',
      columns: {
        staff_id: { personal: false, description: 'The account holding the role.' },
        role: { personal: false, description: 'The role, e.g. circulation.' },
      },
      retention: [],
    },
    {
      table: 'staff_sessions',
      description: 'Signed-in staff sessions.',
      primaryKey: 'id',
      columns: {
        id: { personal: false, description: 'Identifier of the session, the first part of its cookie.' },
        secret_hash: { personal: false, description: "One-way hash of the cookie's secret part." },
        staff_id: {
          personal: true,
          category: 'activity',
          description: 'Which staff member the session belongs to.',
          purpose: 'Keeping a staff member signed in.',
          clauses: ['A4'],
          retention: 'staff_sessions.expired',
          readableBy: ['admin'],
          inExport: false,
        },
        created_at: {
          personal: true,
          category: 'activity',
          description: 'When the staff member signed in.',
          purpose: 'Ending the session after the absolute time-out.',
          clauses: ['A4'],
          retention: 'staff_sessions.expired',
          readableBy: ['admin'],
          inExport: false,
        },
        last_seen_at: {
          personal: true,
          category: 'activity',
          description: 'When the session was last used.',
          purpose: 'Ending the session after the idle time-out.',
          clauses: ['A4'],
          retention: 'staff_sessions.expired',
          readableBy: ['admin'],
          inExport: false,
        },
        expires_at: { personal: false, description: 'When the session stops working.' },
        absolute_expires_at: { personal: false, description: 'Latest moment the session can last until.' },
        desk_patron_id: {
          personal: true,
          category: 'activity',
          description:
            'The patron open at the circulation desk in this session, kept on the server so that no address carries it.',
          purpose: 'Showing the patron being served at the desk after each action.',
          clauses: ['A6', 'C1'],
          retention: 'staff_sessions.expired',
          readableBy: ['admin'],
          inExport: false,
        },
        flash: {
          personal: true,
          category: 'activity',
          description:
            'A short message waiting for the next staff page (what happened and at most the id of a loan; never a title, barcode or name); removed when shown.',
          purpose: 'Telling staff what happened after a form, without putting the message in the address.',
          clauses: ['A4'],
          retention: 'staff_sessions.expired',
          readableBy: ['admin'],
          inExport: false,
        },
      },
      retention: [
        {
          id: 'staff_sessions.expired',
          description: `A staff session is deleted as soon as it expires: after ${plural(config.staffSession.idleMinutes, 'minute')} without activity, ${plural(config.staffSession.maxHours, 'hour')} after sign-in, or at sign-out.`,
          after: 'expires_at',
          period: {},
        },
      ],
      holdScope: { subject: { kind: 'staff', column: 'staff_id' }, dateColumn: 'created_at' },
    },
    {
      table: 'login_throttle',
      description: 'Counts of failed sign-in attempts, used to slow down password guessing (A3).',
      primaryKey: 'key',
      columns: {
        key: {
          personal: true,
          category: 'network',
          description:
            'Keyed hash of the card number or user name, of the network address, or of the two together, that failed to sign in; none is stored as such.',
          purpose: 'Slowing down password guessing with growing delays.',
          clauses: ['A3', 'W2'],
          retention: 'login_throttle.stale',
          readableBy: [],
          inExport: false,
        },
        kind: {
          personal: false,
          description:
            'Which kind of counter the row is — an account from one address, an address, or an account from all addresses, for patrons, staff or PIN reset requests — never whose; lets staff count accounts under attack.',
        },
        failures: {
          personal: false,
          description:
            'Number of failed attempts in a row; for an account over all addresses, those not yet forgiven (one every 15 minutes).',
        },
        last_failure_at: {
          personal: false,
          description:
            'When the last attempt failed; for an account over all addresses, when its current 15-minute forgiveness period began.',
        },
        blocked_until: { personal: false, description: 'Until when the next attempt is refused.' },
      },
      retention: [
        {
          id: 'login_throttle.stale',
          description:
            'A failed-attempt counter is deleted 24 hours after the last failed attempt; the counter of an account from one address also at the next successful sign-in from there.',
          after: 'last_failure_at',
          period: { hours: 24 },
        },
      ],
    },
  ];
}
