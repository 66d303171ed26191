// Builds the Fastify application: plugins, hooks (security headers, request logs, staff sessions,
// CSRF), the error mapper, and the routes it is given. One function, explicit dependencies; it
// knows no feature: the composition root (src/app/root.ts) passes every feature's registrar.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { App } from './types.ts';
import type { AppContext } from '../context.ts';
import { registerApiRoutes } from './api.routes.ts';
import { loadStaffSession } from './auth.ts';
import { checkCsrfToken, checkSameOrigin, csrfTokenFor, tokenOf } from './csrf.ts';
import { isPatronArea, loadPatronSession } from './patron-auth.ts';
import { describeError, installErrorHandling, sendError } from './errors.tsx';
import { parseUrlEncoded } from './forms.ts';
import { installRequestLogging } from './logging.ts';
import { installSecurityHeaders, setSecurityHeaders, writeClientError } from './security.ts';
import type { SessionStore } from './sessions.ts';

/** Registers one feature's routes on the app. */
export type RouteRegistrar = (app: App, ctx: AppContext) => void;

export interface HttpOptions {
  /** Every feature's routes, registered in this order. */
  routes: readonly RouteRegistrar[];
  /** Where staff and patron sessions are kept (the staff and patrons features). */
  sessions: SessionStore;
  /** PEM key and certificate to serve HTTPS directly. */
  https?: { key: Buffer; cert: Buffer };
  /** Told of every route as it is registered (tests walk every route with it). */
  onRoute?: (route: { method: string | string[]; url: string }) => void;
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function buildApp(ctx: AppContext, opts: HttpOptions): Promise<App> {
  const { config } = ctx;
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    // G4: Fastify's own request logs carry the URL and client address; Carrel writes its own.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'reqId' }),
    // Request ids need no time order, only uniqueness.
    genReqId: () => crypto.randomUUID(),
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
    bodyLimit: config.bodyLimitBytes,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // A malformed URL (bad %-encoding, an over-long id) is answered before any hook runs; without
    // this it would get Fastify's raw JSON, which echoes the URL, and none of the security headers.
    frameworkErrors: (err, request, reply) => {
      setSecurityHeaders(request, reply);
      void sendError(ctx, request, reply, describeError(err));
    },
    // Node's own 400/431 answers (bad request line, headers too large) get Carrel's headers too.
    clientErrorHandler: writeClientError,
    ...(opts.https ? { https: opts.https } : {}),
  }).withTypeProvider<ZodTypeProvider>() as unknown as App;

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  if (opts.onRoute) app.addHook('onRoute', opts.onRoute);
  installRequestLogging(app, ctx.logger);
  installSecurityHeaders(app);
  installErrorHandling(app, ctx);

  await app.register(cookie, { secret: config.secret });
  await app.register(formbody, { bodyLimit: config.bodyLimitBytes, parser: parseUrlEncoded });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Carrel API',
        version: '1',
        description: 'Public and staff JSON API of a Carrel library.',
      },
      servers: [{ url: config.publicUrl.origin }],
    },
    transform: jsonSchemaTransform,
    hideUntagged: true,
  });

  // Declared up front so every request object has the same shape (Fastify's advice for speed).
  app.decorateRequest('actor', null);
  app.decorateRequest('staffToken', null);
  app.decorateRequest('patron', null);
  // Forms get a token bound to the session, or a signed visitor's token that needs no cookie (W1).
  app.decorateReply('generateCsrf', function (this: FastifyReply) {
    return csrfTokenFor(ctx, this.request);
  });
  // One onRequest hook for both kinds of session: each reads its cookie only under its own paths,
  // so public pages pay for a single cheap URL check (measured: bench/README.md, home).
  app.decorate('sessions', opts.sessions);
  const staffSession = loadStaffSession(ctx, opts.sessions);
  const patronSession = loadPatronSession(ctx, opts.sessions);
  app.addHook('onRequest', (request, reply, done) => {
    if (isPatronArea(request.url)) patronSession.call(app, request, reply, done);
    else staffSession.call(app, request, reply, done);
  });
  // Every state-changing request carries the form's (or header's) CSRF token, bound to the session
  // (issue 12 item 11). Requests that match no route change nothing and go on to the 404/405
  // answer, not to "this form has expired". A route may opt out with `config: { csrf: false }`
  // when a signed token in its URL is the authority (RFC 8058 one-click unsubscribe, posted by mail
  // programs without cookies) or it takes cross-site posts by design (the statistics beacon).
  const guarded = (request: FastifyRequest) =>
    unsafeMethods.has(request.method) &&
    !request.is404 &&
    (request.routeOptions.config as { csrf?: boolean } | undefined)?.csrf !== false;
  // What a browser marks as sent from another site is refused before its body is read.
  app.addHook('onRequest', (request, _reply, done) => {
    if (!guarded(request)) return done();
    try {
      checkSameOrigin(ctx, request);
      done();
    } catch (err) {
      done(err as Error);
    }
  });
  app.addHook('preHandler', (request, _reply, done) => {
    if (!guarded(request)) return done();
    try {
      checkCsrfToken(ctx, request, tokenOf(request));
      done();
    } catch (err) {
      done(err as Error);
    }
  });

  const assetsDir = path.join(import.meta.dirname, 'assets');
  if (!fs.existsSync(assetsDir)) throw new Error(`assets folder missing: ${assetsDir}`);
  await app.register(fastifyStatic, { root: assetsDir, prefix: '/assets/', maxAge: '1d', index: false });

  for (const register of opts.routes) register(app, ctx);
  await app.register(async (api) => registerApiRoutes(api, ctx), { prefix: '/api/v1' });

  await app.ready();
  return app;
}
