// Request logs without personal data (G4): method, route pattern, status and duration, with the
// request id. Never the URL as sent (it holds query strings and ids), never the client address.
import type { Logger } from 'pino';
import type { App } from './types.ts';

export function installRequestLogging(app: App, logger: Logger): void {
  // With request lines switched off (LOG_LEVEL above info), the hook is not installed at all.
  if (!logger.isLevelEnabled('info')) return;
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        // The pattern ("/staff/admin/staff/:id"), not the path; unmatched requests show no path at all.
        route: request.routeOptions.url ?? '(unmatched)',
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
    done();
  });
}
