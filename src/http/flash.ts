// One-time messages after a redirect (POST → 303 → GET), kept in the server-side session and shown
// once by the page they were meant for (issue 12 items 1 and 2). A URL never carries a message, so
// no link can make a page show a forged banner, and no title or name reaches a browser's history
// or a proxy's log. A message names what happened (a code) and at most an id to look details up
// with when the page is drawn; titles are never stored with it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';

const flashSchema = z.object({
  /** The path of the page that shows it; any other page drops it unshown. */
  path: z.string().max(200),
  /** What happened, from the showing page's own list of messages. */
  code: z.string().max(40),
  /** An id (a loan) the page looks details up by; never a title, a barcode or a name. */
  ref: z.string().max(64).optional(),
  /** Extra facts the message mentions ("the hold is filled"). */
  flags: z.array(z.string().max(40)).max(8).optional(),
});
export type Flash = z.infer<typeof flashSchema>;

function decode(text: string | null | undefined): Flash | null {
  if (!text) return null;
  try {
    const parsed = flashSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const shownHere = (flash: Flash | null, path: string): Flash | null => (flash?.path === path ? flash : null);

/**
 * Leaves a message for the staff member's next page, and optionally sets the patron open at the
 * desk, in one write to the session.
 */
export async function setStaffFlash(
  ctx: AppContext,
  request: FastifyRequest,
  flash: Flash | null,
  opts: { deskPatronId?: string | null } = {},
): Promise<void> {
  if (!request.staffToken) return;
  await request.server.sessions.writeStaffState(ctx, request.staffToken, {
    flash: flash ? JSON.stringify(flash) : null,
    ...(opts.deskPatronId !== undefined && { deskPatronId: opts.deskPatronId }),
  });
}

/**
 * The staff session's desk patron, and its waiting message when it was meant for `path`. A waiting
 * message is removed whichever page reads it, so it shows at most once.
 */
export async function takeStaffFlash(
  ctx: AppContext,
  request: FastifyRequest,
  path: string,
): Promise<{ flash: Flash | null; deskPatronId: string | null }> {
  if (!request.staffToken) return { flash: null, deskPatronId: null };
  const { sessions } = request.server;
  const state = await sessions.readStaffState(ctx, request.staffToken);
  if (state.flash !== null) await sessions.writeStaffState(ctx, request.staffToken, { flash: null });
  return { flash: shownHere(decode(state.flash), path), deskPatronId: state.deskPatronId };
}

/** Leaves a message for the signed-in patron's next page. */
export async function setPatronFlash(ctx: AppContext, request: FastifyRequest, flash: Flash): Promise<void> {
  if (!request.patron) return;
  await request.server.sessions.writePatronFlash(ctx, request.patron.sessionId, JSON.stringify(flash));
}

/** The signed-in patron's waiting message when it was meant for `path`; removed once read. */
export async function takePatronFlash(
  ctx: AppContext,
  request: FastifyRequest,
  path: string,
): Promise<Flash | null> {
  if (!request.patron) return null;
  const { sessions } = request.server;
  const text = await sessions.readPatronFlash(ctx, request.patron.sessionId);
  if (text) await sessions.writePatronFlash(ctx, request.patron.sessionId, null);
  return shownHere(decode(text), path);
}

/**
 * Answers with a redirect (303) to `path`, leaving message `code` waiting there in the staff
 * session; the URL carries no message.
 */
export async function redirectWithStaffFlash(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  path: string,
  code: string,
): Promise<FastifyReply> {
  await setStaffFlash(ctx, request, { path, code });
  return reply.redirect(path, 303);
}

/**
 * The wording of the staff message waiting for `path`, from that page's own list `texts`; a code
 * the list does not know shows nothing. Removed once read, like every message.
 */
export async function staffNotice(
  ctx: AppContext,
  request: FastifyRequest,
  path: string,
  texts: Readonly<Record<string, string>>,
): Promise<string | undefined> {
  const { flash } = await takeStaffFlash(ctx, request, path);
  return flash && Object.hasOwn(texts, flash.code) ? texts[flash.code] : undefined;
}
