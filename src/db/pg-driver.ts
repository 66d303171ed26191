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
//
// Statements marked with `keepPrepared` (the desk's: session look-up, locked reads, writes) are sent
// as named prepared statements, so each connection parses them once and PostgreSQL can reuse their
// plan. Measured with pg_stat_statements, planning was most of the server's time for them — 0.9 ms of
// the 1 ms check-in read, 0.2 of the 0.28 ms session look-up. Only marked statements are named: their
// shapes are fixed by the code, so the number kept per connection is bounded, and user-shaped SQL
// (catalog search) keeps a plan chosen for its own values.
import { createHash } from 'node:crypto';
import {
  AbortedTransactionError,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type pg from 'pg';

/** Statements whose transaction is to be committed in the same round trip (see commitWith). */
const commitAfter = new WeakSet<CompiledQuery>();
/** Statements to keep prepared on each connection (see keepPrepared). */
const toPrepare = new WeakSet<CompiledQuery<unknown>>();

/**
 * Marks a compiled statement to be kept prepared on PostgreSQL: parsed once per connection, its plan
 * reusable. For statements whose SQL text is fixed by the code (values as parameters), never for SQL
 * shaped by user input. On SQLite, statements are cached anyway (database.ts).
 */
export function keepPrepared<Q extends CompiledQuery<unknown>>(query: Q): Q {
  toPrepare.add(query);
  return query;
}

const names = new Map<string, string>();
/** The same name for the same text on every connection: the statement's digest. */
function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = 'carrel_' + createHash('sha256').update(text).digest('base64url').slice(0, 22);
    // Bounded by the code's marked statements; the cap only guards against a misuse.
    if (names.size < 10_000) names.set(text, name);
  }
  return name;
}

/**
 * Errors that mean a prepared statement no longer fits the schema — "cached plan must not change
 * result type" after a migration (0A000) or a statement the server no longer has (26000). The
 * connection is then dropped, so the next one prepares afresh.
 */
const STALE_STATEMENT = new Set(['0A000', '26000']);

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
    const statement: pg.QueryConfig = { text: query.sql, values: [...query.parameters] };
    if (toPrepare.has(query)) statement.name = statementName(query.sql);
    if (!begin && !commit) return toResult<R>(await this.#run(statement));

    // Written together: BEGIN, the statement, COMMIT — one socket write, one round trip.
    const stream = (this.#client as unknown as { connection: { stream: NodeJS.WritableStream } }).connection
      .stream as unknown as { cork(): void; uncork(): void };
    stream.cork();
    let sent: [Promise<pg.QueryResult> | null, Promise<pg.QueryResult>, Promise<pg.QueryResult> | null];
    try {
      sent = [
        begin ? this.#client.query(this.#beginSql) : null,
        this.#run(statement),
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

  /** Runs one statement; a prepared one that the schema has outgrown drops the connection. */
  async #run(statement: pg.QueryConfig): Promise<pg.QueryResult> {
    try {
      return await this.#client.query(statement);
    } catch (err) {
      if (statement.name && STALE_STATEMENT.has((err as { code?: string }).code ?? ''))
        this.#discarded = true;
      throw err;
    }
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
