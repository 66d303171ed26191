// A kiosk's contact time is written without asking for a WAL scrub (bench/README.md "Public
// computers": a TRUNCATE checkpoint every few seconds stalled polls for hundreds of ms), and that is
// allowed only because the value is not personal (G2 holds: nothing personal is overwritten there).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../config.ts';
import { mayOverwrite, NO_PERSONAL_OVERWRITE } from '../../db/wal-scrub.ts';
import { createTestEnv } from '../../../test/support/env.ts';
import { pcsInventory } from './pcs.privacy.ts';
import * as repo from './pcs.repository.ts';

const writes = { readonly: false };

test('the marker lifts the scrub for an UPDATE only', () => {
  assert.equal(mayOverwrite(writes, `update "t" set "a" = ? where "id" = ? ${NO_PERSONAL_OVERWRITE}`), false);
  assert.equal(mayOverwrite(writes, 'update "t" set "a" = ? where "id" = ?'), true);
  assert.equal(mayOverwrite(writes, `delete from "t" where "id" = ? ${NO_PERSONAL_OVERWRITE}`), true);
  assert.equal(mayOverwrite(writes, `update "t" set "a" = ? ${NO_PERSONAL_OVERWRITE} or 1`), true);
});

test('touchStation sets only last_seen_at, which the inventory marks as not personal', async () => {
  const env = await createTestEnv('sqlite');
  try {
    const text = repo.touchStationQuery(env.ctx.db, 'x', '2026-03-02T10:00:00.000Z').compile().sql;
    assert.match(text, /^update "pc_stations" set "last_seen_at" = \? where "id" = \? /);
    assert.ok(text.endsWith(NO_PERSONAL_OVERWRITE));
    assert.equal(mayOverwrite(writes, text), false);
  } finally {
    await env.cleanup();
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-pcs-touch-'));
  const stations = pcsInventory(loadConfig({ DATA_DIR: dataDir })).find((t) => t.table === 'pc_stations')!;
  assert.equal(stations.columns.last_seen_at?.personal, false);
});
