// Dates a patron picks mean that day where the library is (issue 12 item 14): "Pause until
// 2027-01-15" is shown as Jan 15, 2027 and the hold is served again from the first moment of that
// day — for a library west of UTC (Chicago) and east of it (Auckland), on both databases.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { localDay } from '../../clock.ts';
import { addItem, addRecord, deskActor } from '../../../test/support/circulation-fixtures.ts';
import { describeEachDialect } from '../../../test/support/env.ts';
import { Browser, csrfTokenOf, useTestApp } from '../../../test/support/http.ts';
import { makePatron, TEST_PIN } from '../../../test/support/patrons.ts';
import { checkIn } from './circulation.service.ts';

/** The shipped library configuration with another time zone, as LIBRARY_CONFIG. */
function libraryIn(timezone: string): string {
  const lib = JSON.parse(
    fs.readFileSync(path.join(import.meta.dirname, '../../../config/library.json'), 'utf8'),
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carrel-tz-'));
  const file = path.join(dir, 'library.json');
  fs.writeFileSync(file, JSON.stringify({ ...lib, timezone }));
  return file;
}

for (const tz of ['America/Chicago', 'Pacific/Auckland'])
  describeEachDialect(
    `a paused hold's date round-trips in ${tz}`,
    (env) => {
      const app = useTestApp(env);

      test('"Pause until 2027-01-15" shows Jan 15, 2027 and ends as that day begins', async () => {
        const e = env();
        assert.equal(e.config.library.timezone, tz);
        const rec = await addRecord(e.ctx, { title: 'Pause Date Chronicle' });
        const copy = await addItem(e.ctx, rec.id);
        const p = await makePatron(e.ctx);
        const b = new Browser(app());
        const signIn = await b.submit('/account/login', '/account/login', {
          cardNumber: p.cardNumber,
          pin: TEST_PIN,
        });
        assert.equal(signIn.statusCode, 303);
        const placed = await b.submit(`/account/holds/new?record=${rec.id}`, '/account/holds', {
          record: rec.id,
          pickupBranch: 'MAIN',
          itemId: '',
        });
        assert.equal(placed.statusCode, 303, placed.body.slice(0, 300));
        const list = await b.get('/account/holds');
        const holdId = /action="\/account\/holds\/([^/]+)\/suspend"/.exec(list.body)?.[1];
        assert.ok(holdId);
        const paused = await b.request('POST', `/account/holds/${holdId}/suspend`, {
          form: { _csrf: csrfTokenOf(list.body), until: '2027-01-15' },
        });
        assert.equal(paused.statusCode, 303, paused.body.slice(0, 300));

        const shown = await b.get('/account/holds');
        assert.match(shown.body, /until Jan 15, 2027/);
        assert.doesNotMatch(shown.body, /Jan 14, 2027|Jan 16, 2027/);
        const api = (await b.get('/api/v1/account/holds')).json();
        const until = new Date(api.holds[0].suspendedUntil);
        assert.equal(localDay(until, tz), '2027-01-15', 'the API gives the first moment of that day');
        assert.equal(localDay(new Date(until.getTime() - 1), tz), '2027-01-14');

        // The last second of Jan 14 where the library is: still paused, the copy goes to the shelf.
        e.clock.set(new Date(until.getTime() - 1000).toISOString());
        const before = await checkIn(e.ctx, deskActor, { barcode: copy.barcode, branch: 'MAIN' });
        assert.equal(before.route.to, 'shelf');
        // From the first moment of Jan 15 the hold is served without anyone resuming it.
        e.clock.set(until.toISOString());
        const after = await checkIn(e.ctx, deskActor, { barcode: copy.barcode, branch: 'MAIN' });
        assert.equal(after.route.to, 'hold_shelf');
      });
    },
    { env: { LIBRARY_CONFIG: libraryIn(tz) } },
  );
