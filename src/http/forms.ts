// Reading posted forms at the HTTP edge, shared by every feature's routes.
import type { FastifyRequest } from 'fastify';

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
