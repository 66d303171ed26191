// Request logs without personal data (G4): method, route pattern, status and duration, with the
// request id. Never the URL as sent (it holds query strings and ids), never the client address.
import type { App } from './types.ts';

export function installRequestLogging(app: App): void {
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
