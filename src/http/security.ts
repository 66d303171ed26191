// Security headers on every response (G5): a strict first-party Content-Security-Policy, no
// referrer, no framing, no sniffing, and HSTS whenever the request arrived over TLS (directly or
// through a trusted proxy's X-Forwarded-Proto).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from './types.ts';

const csp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

const everyResponse = {
  'Content-Security-Policy': csp,
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=(), browsing-topics=()',
};

/** Sets the headers on one reply; also called for Fastify's own early errors, which skip hooks. */
export function setSecurityHeaders(request: FastifyRequest, reply: FastifyReply): void {
  reply.headers(everyResponse);
  if (request.protocol === 'https')
    reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  // Staff pages and anything sent to a signed-in person must not sit in a shared cache.
  if (request.actor || request.url.startsWith('/staff') || request.url.startsWith('/api/v1/staff')) {
    reply.header('Cache-Control', 'no-store');
  }
}

export function installSecurityHeaders(app: App): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    // A route marked `bodyless` (the statistics beacon's 204, sent tens of thousands of times a
    // second) carries no document for these headers to govern; only HSTS still means something.
    // Measured: a tenth of the beacon's cost (bench/README.md, webstats).
    if (
      (request.routeOptions.config as { bodyless?: boolean } | undefined)?.bodyless &&
      reply.statusCode === 204
    ) {
      if (request.protocol === 'https')
        reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    } else setSecurityHeaders(request, reply);
    done(null, payload);
  });
}
