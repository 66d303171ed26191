// Reading posted forms at the HTTP edge, shared by every feature's routes.
import querystring from 'node:querystring';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../errors.ts';

/** Most fields a url-encoded form may carry; Carrel's largest form has a few dozen (item 9). */
export const MAX_FORM_FIELDS = 1000;

/** A body larger than the route accepts (413). */
export class BodyTooLargeError extends DomainError {
  readonly kind = 'too_large';
  readonly code = 'body_too_large';
}

/** A form with more fields or parts than any of Carrel's forms has (413). */
export class TooManyFieldsError extends DomainError {
  readonly kind = 'too_large';
  readonly code = 'too_many_fields';
  constructor(limit: number) {
    super(
      `The form sent has more fields than this site accepts (at most ${limit.toLocaleString('en-US')}). Please reload the page and send it again.`,
    );
  }
}

/**
 * Parses an application/x-www-form-urlencoded body, refusing one with more than MAX_FORM_FIELDS
 * fields before any decoding work: 120,000 fields in 1 MB cost 0.3 s of CPU to parse.
 */
export function parseUrlEncoded(body: string): Record<string, string | string[]> {
  let fields = 1;
  for (let at = body.indexOf('&'); at !== -1; at = body.indexOf('&', at + 1))
    if (++fields > MAX_FORM_FIELDS) throw new TooManyFieldsError(MAX_FORM_FIELDS);
  return querystring.parse(body, '&', '=', { maxKeys: MAX_FORM_FIELDS }) as Record<string, string | string[]>;
}

export type Form = Record<string, string | string[] | undefined>;

/** The posted url-encoded form as parsed (a raw upload body is not a form). */
export const rawForm = (request: FastifyRequest): Form =>
  request.body && typeof request.body === 'object' && !Buffer.isBuffer(request.body)
    ? (request.body as Form)
    : {};

export const text = (v: unknown): string | undefined =>
  Array.isArray(v) ? (typeof v[0] === 'string' ? v[0] : undefined) : typeof v === 'string' ? v : undefined;

/** The posted form as single strings, without the CSRF token (which is not part of any input). */
export function formFields(request: FastifyRequest): Record<string, string> {
  const body = rawForm(request);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === '_csrf') continue;
    const t = text(v);
    if (t !== undefined) out[k] = t;
  }
  return out;
}

/** What a form may show again after an error: everything typed except secrets. */
export function withoutSecrets(values: Record<string, string>): Record<string, string> {
  const { pin: _p, currentPin: _c, newPin: _n, confirmPin: _f, ...rest } = values;
  return rest;
}
