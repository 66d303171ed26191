// Issue 12 item 9: a form with a huge number of fields is refused before it is parsed, with a
// message a person understands; ordinary forms, up to the cap, are read as before.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '../../test/support/env.ts';
import { Browser, csrfTokenOf, useTestApp } from '../../test/support/http.ts';
import { MAX_FORM_FIELDS, parseUrlEncoded } from './forms.ts';

test('the url-encoded parser reads up to the cap and refuses more', () => {
  assert.deepEqual({ ...parseUrlEncoded('a=1&b=x+y&a=2&c=%C3%A9') }, { a: ['1', '2'], b: 'x y', c: 'é' });
  const atCap = Array.from({ length: MAX_FORM_FIELDS }, (_, i) => `f${i}=1`).join('&');
  assert.equal(Object.keys(parseUrlEncoded(atCap)).length, MAX_FORM_FIELDS);
  assert.throws(() => parseUrlEncoded(`${atCap}&one=more`), /more fields than this site accepts/);
});

describeEachDialect('forms with too many fields (issue 12 item 9)', (env) => {
  const app = useTestApp(env);

  test('a 120,000-field form is refused with 413, quickly, and nothing is done', async () => {
    const b = new Browser(app());
    const token = csrfTokenOf((await b.get('/staff/login')).body);
    const payload = `_csrf=${token}&username=a&password=b&${'x=1&'.repeat(120_000)}y=2`;
    assert.ok(payload.length < 1024 * 1024, 'within the ordinary body limit');
    const cpu = process.cpuUsage();
    const res = await b.request('POST', '/staff/login', {
      payload,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    assert.equal(res.statusCode, 413);
    assert.match(res.body, /The form sent has more fields than this site accepts \(at most 1,000\)/);
    assert.doesNotMatch(res.body, /FST_|stack/);
    assert.ok(cpuMs < 30, `answered in ${cpuMs.toFixed(0)} ms of CPU`);

    const api = await b.request('POST', '/api/v1/health', {
      payload: 'x=1&'.repeat(2000),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(api.statusCode, 413);
    assert.equal(api.json().error.code, 'too_many_fields');
  });

  test('multipart bodies are read only by the import routes; elsewhere they are refused unread', async () => {
    const b = new Browser(app());
    const token = csrfTokenOf((await b.get('/ask')).body);
    const boundary = 'b0undary';
    const parts = Array.from(
      { length: 50_000 },
      (_, i) => `--${boundary}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\n1\r\n`,
    ).join('');
    const res = await b.request('POST', '/ask', {
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n${parts}--${boundary}--\r\n`,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    assert.equal(res.statusCode, 415);
    assert.match(res.body, /This kind of data is not accepted here\./);
  });
});
