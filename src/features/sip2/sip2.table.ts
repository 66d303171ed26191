// Kysely row type for SIP2 accounts (issue 14 item 8): which self-check machines may sign in to
// the SIP2 server, from where, and how they talk. No patron data.

export interface Sip2AccountTable {
  id: string;
  /** The login user id (CN) the machine sends in 93. */
  login: string;
  /** argon2id hash of the terminal password (CO); the password itself is never stored. */
  password_hash: string;
  /** The institution id (AO) the machine must send. */
  institution: string;
  /** The branch where its check-outs, check-ins and holds happen. */
  branch: string;
  /** JSON array of addresses or CIDR ranges (IPv4 and IPv6) it may connect from over TLS or TCP. */
  networks: string;
  /** JSON array of the ranges from which plain TCP (no TLS) is accepted; empty: TLS only. */
  plain_networks: string;
  /** 'utf8' or 'ibm850'. */
  charset: string;
  /** 1: every message must carry a valid AY/AZ checksum; 0: checked when present. */
  checksums_required: number;
  is_disabled: number;
  created_at: string;
  updated_at: string;
}

declare module '../../db/schema.ts' {
  interface DB {
    sip2_accounts: Sip2AccountTable;
  }
}
