// Website statistics at the HTTP edge (issue 5): counting Carrel's own public pages as they are
// sent, the first-party beacon for the library's other site (script, sendBeacon POST and a
// <noscript> image), the webmaster's dashboard and CSV, and the external-link notice (W4).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { requireStaff } from '../../http/auth.ts';
import { formAction } from '../../http/form-action.ts';
import { sendPage } from '../../http/render.tsx';
import type { App } from '../../http/types.ts';
import type { StatsCollector } from './collector.ts';
import { verifiedTarget } from './leave.ts';
import { canViewWebStats } from './webstats.policy.ts';
import { getDashboard } from './webstats.service.ts';
import { dashboardCsv } from './webstats.csv.ts';
import { LeavePage, LeaveRefusedPage, WebStatsPage } from './webstats.views.tsx';

/** Paths that are never counted: staff pages, the API, assets, the beacon itself. */
const NOT_COUNTED = /^\/(?:staff|api|assets|stats|leave)(?:[/?]|$)/;

const optedOut = (request: FastifyRequest) =>
  request.headers.dnt === '1' || request.headers['sec-gpc'] === '1';

/** The beacon: one request per page view, by sendBeacon only; nothing happens without it. */
const BEACON_JS = `(function(){try{var n=navigator,s=document.currentScript;if(!n.sendBeacon||!s)return;var u=s.src.replace(/beacon\\.js(\\?.*)?$/,"hit");n.sendBeacon(u,JSON.stringify({p:location.pathname+location.search,r:document.referrer}))}catch(e){}})();\n`;
/** A transparent 1×1 GIF for the <noscript> variant. */
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const rangeQuery = z.object({ from: z.string().max(20).optional(), to: z.string().max(20).optional() });
const leaveQuery = z.object({ to: z.string().max(2000).optional(), sig: z.string().max(100).optional() });

export function registerWebStatsRoutes(app: App, ctx: AppContext, collector: StatsCollector): void {
  const library = ctx.config.library;
  const origins = new Set(ctx.config.webstats.siteOrigins);
  const hostOf = new Map(ctx.config.webstats.siteOrigins.map((o) => [o, new URL(o).host]));

  // Counting as the response goes out: successful HTML pages of the public site only (W1).
  // onSend, not onResponse: any onResponse hook makes Fastify wait for every response's 'finish'
  // event, which cost the beacon a seventh of its throughput (measured: bench/README.md, webstats).
  // By onSend the status and content type are final; only a connection dropped mid-write differs.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (
      request.method === 'GET' &&
      reply.statusCode === 200 &&
      !NOT_COUNTED.test(request.url) &&
      String(reply.getHeader('content-type') ?? '').startsWith('text/html')
    )
      collector.record({
        at: ctx.clock.now(),
        ip: request.ip,
        userAgent: request.headers['user-agent'],
        path: request.url,
        referrer: request.headers.referer,
        site: null,
        source: 'carrel',
        optOut: optedOut(request),
      });
    done(null, payload);
  });

  app.get('/stats/beacon.js', (_request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('Cache-Control', 'public, max-age=86400')
      .header('Cross-Origin-Resource-Policy', 'cross-origin')
      .send(BEACON_JS),
  );

  /** The site a hit comes from, when it is one the operator allowed; else null (not counted). */
  const siteOf = (request: FastifyRequest): string | null => {
    const origin = request.headers.origin ?? originOfReferer(request.headers.referer);
    return origin && origins.has(origin) ? origin : null;
  };

  const count = (request: FastifyRequest, site: string, path: string, referrer: string | undefined) =>
    collector.record({
      at: ctx.clock.now(),
      ip: request.ip,
      userAgent: request.headers['user-agent'],
      path,
      referrer,
      site: hostOf.get(site) ?? new URL(site).host,
      source: 'beacon',
      optOut: optedOut(request),
    });

  // sendBeacon posts text/plain (no CORS preflight); the Origin header names the site.
  app.post('/stats/hit', { config: { csrf: false, bodyless: true } }, (request, reply) => {
    const site = siteOf(request);
    if (!site)
      return reply.code(403).type('text/plain').send('This site is not set up to send statistics here.\n');
    void reply.header('Access-Control-Allow-Origin', site).header('Vary', 'Origin');
    let body: unknown;
    try {
      body = typeof request.body === 'string' ? JSON.parse(request.body) : request.body;
    } catch {
      body = null;
    }
    // Checked by hand rather than with zod: this route runs for every page view of another site.
    const hit = body as { p?: unknown; r?: unknown } | null;
    const p = typeof hit?.p === 'string' && hit.p.length <= 2000 ? hit.p : null;
    const r = typeof hit?.r === 'string' && hit.r.length <= 2000 ? hit.r : undefined;
    if (!p) return reply.code(400).type('text/plain').send('Expected {"p": path, "r": referrer}.\n');
    count(request, site, p, r);
    return reply.code(204).send();
  });

  app.options('/stats/hit', (request, reply) => {
    const site = siteOf(request);
    if (!site) return reply.code(403).send();
    return reply
      .header('Access-Control-Allow-Origin', site)
      .header('Access-Control-Allow-Methods', 'POST')
      .header('Access-Control-Allow-Headers', 'Content-Type')
      .header('Access-Control-Max-Age', '86400')
      .header('Vary', 'Origin')
      .code(204)
      .send();
  });

  // <noscript><img src="https://carrel.example/stats/hit.gif?p=/events"></noscript>
  app.get(
    '/stats/hit.gif',
    { schema: { querystring: z.object({ p: z.string().max(2000).optional() }) } },
    (request, reply) => {
      const site = siteOf(request);
      if (site && request.query.p) count(request, site, request.query.p, undefined);
      return reply
        .type('image/gif')
        .header('Cache-Control', 'no-store')
        .header('Cross-Origin-Resource-Policy', 'cross-origin')
        .send(GIF);
    },
  );

  app.get('/staff/stats', { schema: { querystring: rangeQuery } }, async (request, reply) => {
    const actor = requireStaff(request, reply, canViewWebStats);
    if (!actor) return reply;
    const frame = { library, actor, csrfToken: reply.generateCsrf() };
    const r = await formAction(
      request,
      reply,
      { schema: rangeQuery, input: request.query },
      async (range) => {
        await collector.flush();
        return getDashboard(ctx, actor, range);
      },
    );
    if (r.ok) return sendPage(reply, <WebStatsPage {...frame} dashboard={r.result} query={request.query} />);
    return sendPage(
      reply,
      <WebStatsPage
        {...frame}
        dashboard={null}
        query={request.query}
        error={r.failure.message}
        fields={r.failure.fields}
      />,
      r.failure.status,
    );
  });

  app.get('/staff/stats.csv', { schema: { querystring: rangeQuery } }, async (request, reply) => {
    const actor = requireStaff(request, reply, canViewWebStats);
    if (!actor) return reply;
    await collector.flush();
    const dashboard = await getDashboard(ctx, actor, request.query);
    return reply
      .type('text/csv; charset=utf-8')
      .header(
        'Content-Disposition',
        `attachment; filename="website-${dashboard.range.from}-${dashboard.range.to}.csv"`,
      )
      .send(dashboardCsv(dashboard));
  });

  const leave = (query: z.infer<typeof leaveQuery>, reply: FastifyReply) => {
    const target = verifiedTarget(ctx.config, query.to, query.sig);
    if (!target) {
      void sendPage(reply, <LeaveRefusedPage library={library} />, 400);
      return null;
    }
    return target;
  };

  app.get('/leave', { schema: { querystring: leaveQuery } }, (request, reply) => {
    const target = leave(request.query, reply);
    if (!target) return reply;
    return sendPage(
      reply,
      <LeavePage library={library} target={target} to={request.query.to!} sig={request.query.sig ?? ''} />,
    );
  });

  // The button on the notice: counts the destination host only, then goes there.
  app.get('/leave/go', { schema: { querystring: leaveQuery } }, (request, reply) => {
    const target = leave(request.query, reply);
    if (!target) return reply;
    collector.recordExit(ctx.clock.now(), target.hostname, optedOut(request));
    return reply.redirect(target.href, 303);
  });
}

function originOfReferer(referer: string | undefined): string | null {
  if (!referer) return null;
  try {
    return new URL(referer).origin;
  } catch {
    return null;
  }
}
