// The Libki kiosk client's API (issue 14 item 2; the vendored client source in
// test/fixtures/libki-client/, networkclient.cpp, and docs/public-computers.md): one GET path with
// the action in the query string, and the two print paths. Always HTTP 200 with JSON, refusals included, because the
// client shows the whole URL — card number and PIN — on its login screen after any other status.
// The query is decoded here without the `+`→space rule; nothing of it is logged (G4, P3).
import type { AppContext } from '../../context.ts';
import type { App } from '../../http/types.ts';
import { libkiRequest, parseRawQuery } from './libki.query.ts';
import { loginReply, logoutReply, pollReply, printReply, registerReply } from './libki.presenter.ts';
import { libkiLogin, libkiLogout, libkiPoll, libkiRegister, libkiStation } from './libki.service.ts';

/** Bytes of a print upload Carrel reads (and throws away) before it stops reading and answers. */
export const PRINT_BODY_LIMIT = 64 * 1024;
const TOO_BIG = 'too-big';

/** The header the generated INI makes the client send on every request. */
export const STATION_KEY_HEADER = 'X-Carrel-Station-Key';

async function answer(ctx: AppContext, url: string, stationKey: string | undefined): Promise<object> {
  const r = libkiRequest.parse(parseRawQuery(url));
  const station = await libkiStation(ctx, r, stationKey);
  switch (r.action) {
    case 'register_node':
      return registerReply(await libkiRegister(ctx, station));
    case 'login':
      return loginReply(await libkiLogin(ctx, station, r));
    case 'get_user_data':
      return pollReply(await libkiPoll(ctx, station, r));
    case 'logout':
      await libkiLogout(ctx, station, r);
      return logoutReply();
    // Client 2.4.0 sends this whenever its visible login screen shows "Reserved: …", i.e. after
    // every register_node of a held computer, and drops the reply unread (ignoreNetworkReply in
    // networkclient.cpp). Nothing to record: the hold runs from the call, not from the kiosk
    // showing it, and a flag "the kiosk showed it" would change nothing that staff or patrons do.
    case 'acknowledge_reservation':
    case 'clear_message': // never sent by client 2.4.0; messages are cleared when delivered
      return {};
    default:
      return { error: 'UNKNOWN_ACTION' };
  }
}

export function registerLibkiRoutes(app: App, ctx: AppContext): void {
  app.get('/api/client/v1_0', async (request, reply) => {
    const key = request.headers[STATION_KEY_HEADER.toLowerCase()];
    const body = await answer(ctx, request.url, typeof key === 'string' ? key : undefined);
    return reply.code(200).header('cache-control', 'no-store').send(body);
  });
  app.get('/api/client/v1_0/print_price_check', (_request, reply) => reply.code(200).send(printReply()));
  // The upload is never kept: INIs from Carrel have no [printers]. A 200 stops the client's retry
  // loop. A small upload is drained so the connection can serve the next request; past
  // PRINT_BODY_LIMIT (declared or counted) reading stops and the connection closes after the answer.
  void app.register(async (print) => {
    print.removeAllContentTypeParsers();
    print.addContentTypeParser('*', (request, payload, done) => {
      let finished = false;
      const finish = (err: Error | null, body: string | null) => {
        if (!finished) done(err, body);
        finished = true;
      };
      if (Number(request.headers['content-length'] ?? 0) > PRINT_BODY_LIMIT) return finish(null, TOO_BIG);
      let seen = 0;
      payload.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen <= PRINT_BODY_LIMIT) return;
        payload.pause();
        finish(null, TOO_BIG);
      });
      payload.on('end', () => finish(null, null));
      payload.on('error', (err) => finish(err, null));
    });
    print.post('/api/client/v1_0/print', { config: { csrf: false } }, (request, reply) => {
      if (request.body === TOO_BIG) void reply.header('connection', 'close');
      return reply.code(200).send(printReply());
    });
  });
}
