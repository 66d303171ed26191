// Issue 13 part 2: one rule for which refusals re-show a form, with what was typed (never a PIN).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  TooManyRequestsError,
  UnauthenticatedError,
  ValidationError,
} from '../errors.ts';
import { formAction, noFields, reshowsForm } from './form-action.ts';
import { BodyTooLargeError } from './forms.ts';

const headers: Record<string, string> = {};
const reply = {
  header(k: string, v: string) {
    headers[k] = v;
    return this;
  },
} as unknown as FastifyReply;
const request = (body: Record<string, string | string[]>) => ({ body }) as unknown as FastifyRequest;

test('refusals about the input re-show the form; others go to the error page', () => {
  for (const e of [
    new ValidationError('x'),
    new ConflictError('x'),
    new NotFoundError('x'),
    new UnauthenticatedError('x'),
    new TooManyRequestsError('x', 1),
  ])
    assert.ok(reshowsForm(e), e.name);
  for (const e of [new ForbiddenError('x'), new BodyTooLargeError('x'), new Error('x')])
    assert.ok(!reshowsForm(e));
});

test('a schema gives typed values; a refusal keeps what was typed but never a PIN', async () => {
  const schema = z.object({ n: z.coerce.number().int() });
  const ok = await formAction(request({ _csrf: 't', n: '4' }), reply, { schema }, async (v) => v.n * 2);
  assert.deepEqual(ok, { ok: true, result: 8 });

  const bad = await formAction(
    request({ n: 'four', pin: '1234' }),
    reply,
    { schema, summary: 'Fix it.' },
    () => Promise.resolve(0),
  );
  assert.ok(!bad.ok);
  assert.equal(bad.failure.status, 400);
  assert.equal(bad.failure.message, 'Fix it.');
  assert.ok(bad.failure.fields.n);
  assert.deepEqual(bad.failure.values, { n: 'four' });

  const slow = await formAction(request({ card: '9' }), reply, { schema: noFields }, () =>
    Promise.reject(new TooManyRequestsError('Wait.', 60)),
  );
  assert.ok(!slow.ok);
  assert.equal(slow.failure.status, 429);
  assert.equal(headers['Retry-After'], '60');

  await assert.rejects(
    formAction(request({}), reply, { schema: noFields }, () => Promise.reject(new ForbiddenError('No.'))),
    ForbiddenError,
  );
});

test('a field named in lists reaches the schema with every value posted, and a refusal keeps them all', async () => {
  const schema = z.object({ name: z.string().min(1, 'Enter a name.'), tags: z.array(z.string()) });
  const two = await formAction(
    request({ name: 'a', tags: ['x', 'y'] }),
    reply,
    { schema, lists: ['tags'] },
    (v) => Promise.resolve(v.tags),
  );
  assert.deepEqual(two, { ok: true, result: ['x', 'y'] });
  const one = await formAction(request({ name: 'a', tags: 'x' }), reply, { schema, lists: ['tags'] }, (v) =>
    Promise.resolve(v.tags),
  );
  assert.deepEqual(one, { ok: true, result: ['x'] });
  const none = await formAction(request({ name: 'a' }), reply, { schema, lists: ['tags'] }, (v) =>
    Promise.resolve(v.tags),
  );
  assert.deepEqual(none, { ok: true, result: [] });

  const bad = await formAction(
    request({ name: '', tags: ['x', 'y'] }),
    reply,
    { schema, lists: ['tags'] },
    () => Promise.resolve([]),
  );
  assert.ok(!bad.ok);
  assert.deepEqual(bad.failure.values, { name: '' });
  assert.deepEqual(bad.failure.lists, { tags: ['x', 'y'] });
});
