// Issue 13 part 2: domain errors say what kind of refusal they are; only the mapper here knows the
// HTTP status each kind becomes, and every status stays what it was.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  TooManyRequestsError,
  UnauthenticatedError,
  ValidationError,
} from '../errors.ts';
import { CrossSiteError, CsrfError } from './csrf.ts';
import { describeError } from './errors.tsx';
import { BodyTooLargeError, TooManyFieldsError } from './forms.ts';

test('every domain error maps to the status it always had, and carries none itself', () => {
  const cases: Array<[Error, number, string]> = [
    [new ValidationError('bad', { a: 'is required' }), 400, 'invalid_input'],
    [new UnauthenticatedError('who'), 401, 'unauthenticated'],
    [new ForbiddenError('no'), 403, 'forbidden'],
    [new CsrfError(), 403, 'csrf'],
    [new CrossSiteError(), 403, 'cross_site'],
    [new NotFoundError('gone'), 404, 'not_found'],
    [new ConflictError('taken'), 409, 'conflict'],
    [new BodyTooLargeError('big'), 413, 'body_too_large'],
    [new TooManyFieldsError(10), 413, 'too_many_fields'],
    [new TooManyRequestsError('slow', 5), 429, 'too_many_requests'],
  ];
  for (const [err, status, code] of cases) {
    const body = describeError(err);
    assert.equal(body.status, status, err.name);
    assert.equal(body.code, code, err.name);
    assert.equal(body.message, err.message);
    assert.ok(!('status' in err), `${err.name} carries no HTTP status`);
  }
  assert.deepEqual(describeError(new ValidationError('bad', { a: 'is required' })).fields, {
    a: 'is required',
  });
});
