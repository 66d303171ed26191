// Helpers the patron feature's routes share: reading url-encoded forms without their CSRF field.
import type { FastifyRequest } from 'fastify';

export type Form = Record<string, string | string[] | undefined>;

export const text = (v: unknown): string | undefined =>
  Array.isArray(v) ? (typeof v[0] === 'string' ? v[0] : undefined) : typeof v === 'string' ? v : undefined;

/** The posted form as single strings, without the CSRF token (which is not part of any input). */
export function formFields(request: FastifyRequest): Record<string, string> {
  const body = request.body && typeof request.body === 'object' ? (request.body as Form) : {};
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
