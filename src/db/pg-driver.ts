// Kysely's PostgreSQL driver, with a transaction's BEGIN and COMMIT sent in the same round trip as a
// statement instead of each in its own. On the circulation desk's path every round trip to the server
// is latency and a socket write (~100 µs of Node's CPU on the benchmark machine; bench/README.md,
// "circulation"): a check-out was session look-up, BEGIN, locked read, writes, COMMIT — five.
//
// How: node-postgres in pipeline mode (`pipeline: true`, documented at node-postgres.com/features/
// pipelining) writes a query without waiting for the previous one's answer; each keeps its own
// result or error. Kysely still awaits one statement at a time, so nothing else changes.
// - BEGIN is held back until the transaction's first statement and written with it. A transaction
//   that runs no statement never reaches the server at all.
// - COMMIT is written with a statement the caller marks as the transaction's last (`commitWith`,
//   used by db/writes.ts). PostgreSQL runs pipelined statements in order: if that statement fails,
//   the COMMIT meets an aborted transaction and rolls it back, so nothing of it is kept — the
//   all-or-nothing rule is PostgreSQL's own, not this file's.
// Any statement after a COMMIT sent this way is refused, so a caller that marks the wrong statement
// as last gets an error rather than an unnoticed autocommit.
import {
  AbortedTransactionError,
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type pg from 'pg';

/** Statements whose transaction is to be committed in the same round trip (see commitWith). */
const commitAfter = new WeakSet<CompiledQuery>();

/**
 * Marks a compiled statement as its transaction's last: on PostgreSQL the COMMIT is sent with it.
 * Kysely's own commit afterwards then has nothing left to do. Outside a transaction, and on SQLite,
 * the mark changes nothing.
 */
export function commitWith(query: CompiledQuery): CompiledQuery {
  commitAfter.add(query);
  return query;
}

export class PipelinedPostgresDriver implements Driver {
  readonly #pool: pg.Pool;
  readonly #connections = new WeakMap<pg.PoolClient, PipelinedConnection>();

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const client = await this.#pool.connect();
    let connection = this.#connections.get(client);
    if (!connection) {
      connection = new PipelinedConnection(client);
      this.#connections.set(client, connection);
    }
    return connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    let sql = 'begin';
    if (settings.isolationLevel || settings.accessMode) {
      sql = 'start transaction';
      if (settings.isolationLevel) sql += ` isolation level ${settings.isolationLevel}`;
      if (settings.accessMode) sql += ` ${settings.accessMode}`;
    }
    (connection as PipelinedConnection).begin(sql);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PipelinedConnection).commit();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PipelinedConnection).rollback();
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as PipelinedConnection).release();
  }

  async destroy(): Promise<void> {
    await this.#pool.end();
  }
}

type TxState =
  /** No transaction: statements autocommit. */
  | 'none'
  /** BEGIN is waiting for the first statement. */
  | 'pending'
  /** BEGIN has been sent. */
  | 'open'
  /** COMMIT (or the ROLLBACK it turned into) has been sent with the last statement. */
  | 'ended';

class PipelinedConnection implements DatabaseConnection {
  readonly #client: pg.PoolClient;
  #tx: TxState = 'none';
  #beginSql = 'begin';
  /** A rollback failed: the connection is in an unknown state and must not go back to the pool. */
  #discarded = false;

  constructor(client: pg.PoolClient) {
    this.#client = client;
  }

  begin(sql: string): void {
    this.#tx = 'pending';
    this.#beginSql = sql;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.#discarded) throw new Error('This database connection has been discarded.');
    if (this.#tx === 'ended')
      throw new Error('A statement came after its transaction was committed with its last statement.');
    const begin = this.#tx === 'pending';
    const commit = this.#tx !== 'none' && commitAfter.has(query);
    if (!begin && !commit) return toResult<R>(await this.#client.query(query.sql, [...query.parameters]));

    // Written together: BEGIN, the statement, COMMIT — one socket write, one round trip.
    const stream = (this.#client as unknown as { connection: { stream: NodeJS.WritableStream } }).connection
      .stream as unknown as { cork(): void; uncork(): void };
    stream.cork();
    let sent: [Promise<pg.QueryResult> | null, Promise<pg.QueryResult>, Promise<pg.QueryResult> | null];
    try {
      sent = [
        begin ? this.#client.query(this.#beginSql) : null,
        this.#client.query(query.sql, [...query.parameters]),
        commit ? this.#client.query('commit') : null,
      ];
    } finally {
      stream.uncork();
    }
    if (begin) this.#tx = 'open';
    if (commit) this.#tx = 'ended';
    // Every answer is awaited (none may reject unobserved); the first failure is the one reported.
    const [, main, committed] = sent;
    for (const settled of await Promise.allSettled(sent.filter((p) => p !== null)))
      if (settled.status === 'rejected') throw settled.reason;
    // COMMIT answers ROLLBACK when the transaction had already failed (as Kysely's driver checks).
    if (committed && (await committed).command === 'ROLLBACK') throw new AbortedTransactionError();
    return toResult<R>(await main);
  }

  // Kysely streams only with a cursor class configured, which Carrel does not do.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming queries are not supported on this connection.');
  }

  async commit(): Promise<void> {
    const state = this.#tx;
    this.#tx = 'none';
    // Never begun on the server (no statement ran), or committed with the last statement.
    if (state === 'pending' || state === 'ended') return;
    const { command } = await this.#client.query('commit');
    if (command === 'ROLLBACK') throw new AbortedTransactionError();
  }

  async rollback(): Promise<void> {
    const state = this.#tx;
    this.#tx = 'none';
    // Nothing to undo on the server: never begun, or already ended by the COMMIT sent with the last
    // statement (which PostgreSQL turned into a rollback if anything in it failed).
    if (state === 'pending' || state === 'ended') return;
    try {
      await this.#client.query('rollback');
    } catch (err) {
      this.#discarded = true;
      throw err;
    }
  }

  release(): void {
    this.#tx = 'none';
    this.#client.release(this.#discarded);
  }
}

function toResult<R>(res: pg.QueryResult): QueryResult<R> {
  const { command, rowCount, rows } = res;
  return {
    numAffectedRows:
      command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE'
        ? BigInt(rowCount ?? 0)
        : undefined,
    rows: (rows ?? []) as R[],
  };
}
