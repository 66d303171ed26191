// The privacy page's public-computer entries follow the configuration (issue 14 item 9; G3, P3):
// with PCS_SIP2_HOST the policy says that the card and PIN go to the library's circulation system
// and what Carrel keeps of its answer; without it, it does not mention one.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../config.ts';
import { pcsInventory } from './pcs.privacy.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-pcs-privacy-'));
const usage = (env: Record<string, string>) =>
  pcsInventory(loadConfig({ DATA_DIR: dataDir, ...env })).find((t) => t.table === 'pc_usage')!.description;

test('the policy names the circulation system that checks cards at the computers, only when there is one', () => {
  assert.match(
    usage({ PCS_SIP2_HOST: 'ils.example.org' }),
    /checked by the library's circulation system \(ils\.example\.org\); Carrel keeps nothing of its answer/,
  );
  assert.doesNotMatch(usage({}), /circulation system/);
});
