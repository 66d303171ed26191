// Real MARC exports for the importer's tests, kept in the repository (test/fixtures/marc/, see its
// README.md for where they come from and their licence), and the reference converter yaz-marcdump.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';

export const marcDataDir = path.resolve(import.meta.dirname, '../fixtures/marc');
export const YAZ_MARCDUMP = '/usr/bin/yaz-marcdump';

/**
 * True (and the test skipped) when yaz-marcdump is not installed; under CARREL_REQUIRE_YAZ=1 (CI)
 * a missing yaz fails the test instead, so a comparison with the reference converter never
 * silently goes unchecked.
 */
export function withoutYaz(t: TestContext): boolean {
  if (fs.existsSync(YAZ_MARCDUMP)) return false;
  const why = `${YAZ_MARCDUMP} not found: apt-get install yaz`;
  if (process.env.CARREL_REQUIRE_YAZ === '1') assert.fail(`${why} (required: CARREL_REQUIRE_YAZ=1)`);
  t.skip(why);
  return true;
}
