// Data inventory entry for SIP2 accounts (G1, issue 14 item 8). An account belongs to a machine,
// not a person: nothing here is about a patron, and the exchanges themselves are not stored.
import type { TableEntry } from '../../privacy/inventory.ts';

const plain = (description: string) => ({ personal: false as const, description });

export function sip2Inventory(): TableEntry[] {
  return [
    {
      table: 'sip2_accounts',
      description:
        'Self-check machines allowed to use the SIP2 server: their login, the hash of their terminal password, where they may connect from and how they talk. Nothing about patrons; SIP2 exchanges are not stored.',
      primaryKey: 'id',
      columns: {
        id: plain('Random identifier of the account; the patron access log names it for SIP2 look-ups.'),
        login: plain('The login user id a self-check machine sends.'),
        password_hash: plain(
          'One-way argon2id hash of the machine’s terminal password; the password itself is never stored.',
        ),
        institution: plain('The institution id the machine must send.'),
        branch: plain('The branch its check-outs, check-ins and holds happen at.'),
        networks: plain('Address ranges it may connect from.'),
        plain_networks: plain('Address ranges from which it may connect without TLS.'),
        charset: plain('Its character set (UTF-8 or IBM850).'),
        checksums_required: plain('Whether every message must carry a checksum.'),
        is_disabled: plain('Whether the account may sign in.'),
        created_at: plain('When the account was created.'),
        updated_at: plain('When the account was last changed; also when it was disabled.'),
      },
      retention: [
        {
          id: 'sip2_accounts.disabled',
          description: 'A disabled SIP2 account is deleted one year after it was disabled.',
          after: 'updated_at',
          period: { days: 365 },
          where: [{ column: 'is_disabled', op: '=', value: 1 }],
        },
      ],
    },
  ];
}
