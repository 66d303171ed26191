// Security headers on every response (G5): a strict first-party Content-Security-Policy, no
// referrer, no framing, no sniffing, and HSTS whenever the request arrived over TLS (directly or
// through a trusted proxy's X-Forwarded-Proto).
import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from './types.ts';
import { STAFF_COOKIE } from './auth.ts';
import { isPatronArea, PATRON_COOKIE } from './patron-auth.ts';

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
  if (mustNotStore(request)) reply.header('Cache-Control', 'no-store');
  // A public resource the route marked cacheable (e.g. the beacon script) keeps its own policy
  // even for a visitor who holds a session cookie; everything else sent to them is not stored.
  else if (hasSessionCookie(request) && !reply.hasHeader('Cache-Control'))
    reply.header('Cache-Control', 'no-store');
}

/**
 * Staff and patron areas, and anything answered to a signed-in person, stay out of every cache,
 * the browser's own included: on a shared computer the back button must not show the previous
 * patron's loans or pickup codes (issue 12 item 3).
 */
const mustNotStore = (request: FastifyRequest): boolean =>
  Boolean(request.actor) ||
  Boolean(request.patron) ||
  request.url.startsWith('/staff') ||
  request.url.startsWith('/api/v1/staff') ||
  isPatronArea(request.url);

const hasSessionCookie = (request: FastifyRequest): boolean =>
  !request.url.startsWith('/assets/') &&
  request.cookies !== undefined &&
  (request.cookies[STAFF_COOKIE] !== undefined || request.cookies[PATRON_COOKIE] !== undefined);

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

/** What a person is told when Node refuses a request before Carrel sees it (item 20). */
const clientErrors: Record<string, { status: number; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    message:
      'The request carried more header data than this site accepts. Clearing this site’s cookies may help.',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    message: 'The request took too long to arrive. Please try again.',
  },
};
const malformed = {
  status: 400,
  message: 'The request could not be understood. Please check it and try again.',
};

/**
 * Answers a request Node's HTTP parser refused (malformed request line, headers too large, timeout)
 * before any Fastify hook ran: a complete response with the same security headers as every other
 * (issue 12 item 20), a plain message and nothing echoed from the request; then closes the socket.
 */
export function writeClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, message } = clientErrors[err.code ?? ''] ?? malformed;
  const body = `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${http.STATUS_CODES[status]}</title></head><body><h1>${http.STATUS_CODES[status]}</h1><p>${message}</p></body></html>\n`;
  const headers: Record<string, string> = {
    ...everyResponse,
    ...('encrypted' in socket && socket.encrypted
      ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' }
      : {}),
    'Cache-Control': 'no-store',
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
  };
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n` +
        Object.entries(headers)
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('') +
        `\r\n${body}`,
    );
  socket.destroy();
}
