// Full-text search over bib_records (issue 3), maintained by the database itself so that whoever
// writes bib_records (the MARC import, staff edits) need not know the index exists.
//
// SQLite: an FTS5 external-content table `bib_fts` over bib_records (no second copy of the text),
// kept in step by triggers; unicode61 with remove_diacritics 2 folds case and diacritics.
// PostgreSQL: an IMMUTABLE function builds a weighted tsvector (title A, author B, subjects C, the
// rest D) from unaccent()ed, lower-cased text with the `simple` configuration (no stemming, like
// FTS5) into a stored generated column `search_doc` with a GIN index, both maintained by
// PostgreSQL on every INSERT/UPDATE. Needs the `unaccent` extension (contrib).
// Frozen in time like every migration: nothing here imports application code.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

const ftsColumns = 'title, author, subjects, series, notes, isbn, issn';
const oldValues = 'old.title, old.author, old.subjects, old.series, old.notes, old.isbn, old.issn';
const newValues = 'new.title, new.author, new.subjects, new.series, new.notes, new.isbn, new.issn';

const isPostgres = (db: Kysely<unknown>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

async function upSqlite(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `CREATE VIRTUAL TABLE bib_fts USING fts5(${ftsColumns}, content='bib_records', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')`,
    )
    .execute(db);
  // bm25 weights per column, in the order above: a title match counts most.
  await sql`INSERT INTO bib_fts(bib_fts, rank) VALUES ('rank', 'bm25(10.0, 5.0, 3.0, 2.0, 1.0, 1.0, 1.0)')`.execute(
    db,
  );
  await sql
    .raw(
      `CREATE TRIGGER bib_fts_after_insert AFTER INSERT ON bib_records BEGIN
         INSERT INTO bib_fts(rowid, ${ftsColumns}) VALUES (new.rowid, ${newValues});
       END`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER bib_fts_after_delete AFTER DELETE ON bib_records BEGIN
         INSERT INTO bib_fts(bib_fts, rowid, ${ftsColumns}) VALUES ('delete', old.rowid, ${oldValues});
       END`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER bib_fts_after_update AFTER UPDATE OF ${ftsColumns} ON bib_records BEGIN
         INSERT INTO bib_fts(bib_fts, rowid, ${ftsColumns}) VALUES ('delete', old.rowid, ${oldValues});
         INSERT INTO bib_fts(rowid, ${ftsColumns}) VALUES (new.rowid, ${newValues});
       END`,
    )
    .execute(db);
  // Records imported before this migration.
  await sql`INSERT INTO bib_fts(bib_fts) VALUES ('rebuild')`.execute(db);
}

async function upPostgres(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS unaccent`.execute(db);
  // Schema-qualified names, so the index expression works whatever search_path a later session,
  // autovacuum or pg_restore uses (pg_dump restores with an empty search_path).
  const res = await sql<{ ext: string; own: string }>`
    SELECT quote_ident(n.nspname) AS ext, quote_ident(current_schema()) AS own
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'unaccent'`.execute(db);
  const row = res.rows[0];
  if (!row) throw new Error('the unaccent extension is not installed');
  const { ext, own } = row;
  await sql
    .raw(
      `CREATE FUNCTION ${own}.carrel_fold(t text) RETURNS text
         LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
         AS $$ SELECT lower(${ext}.unaccent('${ext}.unaccent'::regdictionary, t)) $$`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE FUNCTION ${own}.carrel_search_document(
         title text, author text, subjects text, series text, notes text, isbn text, issn text)
       RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE
       AS $$ SELECT
           setweight(to_tsvector('pg_catalog.simple'::regconfig, ${own}.carrel_fold(coalesce(title, ''))), 'A')
        || setweight(to_tsvector('pg_catalog.simple'::regconfig, ${own}.carrel_fold(coalesce(author, ''))), 'B')
        || setweight(to_tsvector('pg_catalog.simple'::regconfig, ${own}.carrel_fold(coalesce(subjects, ''))), 'C')
        || setweight(to_tsvector('pg_catalog.simple'::regconfig,
             ${own}.carrel_fold(concat_ws(' ', series, notes, isbn, issn))), 'D') $$`,
    )
    .execute(db);
  // Stored, not an expression index: ranking and the index's recheck read the document instead of
  // rebuilding it for every candidate row (at 1M records an expression index made common words and
  // phrases take seconds: bench/README.md, search).
  await sql
    .raw(
      `ALTER TABLE bib_records ADD COLUMN search_doc tsvector
         GENERATED ALWAYS AS (${own}.carrel_search_document(title, author, subjects, series, notes, isbn, issn)) STORED`,
    )
    .execute(db);
  await sql.raw(`CREATE INDEX bib_records_search_idx ON bib_records USING gin (search_doc)`).execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) await upPostgres(db);
  else await upSqlite(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    await sql`DROP INDEX IF EXISTS bib_records_search_idx`.execute(db);
    await sql`ALTER TABLE bib_records DROP COLUMN IF EXISTS search_doc`.execute(db);
    await sql`DROP FUNCTION IF EXISTS carrel_search_document(text, text, text, text, text, text, text)`.execute(
      db,
    );
    await sql`DROP FUNCTION IF EXISTS carrel_fold(text)`.execute(db);
    return;
  }
  for (const t of ['bib_fts_after_insert', 'bib_fts_after_delete', 'bib_fts_after_update'])
    await sql`DROP TRIGGER IF EXISTS ${sql.id(t)}`.execute(db);
  await sql`DROP TABLE IF EXISTS bib_fts`.execute(db);
}
