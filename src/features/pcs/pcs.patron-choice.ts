// Which patron source checks public-computer logins (issue 14 item 9): chosen once per context
// from its configuration — another library system over SIP2 when PCS_SIP2_HOST is set, else
// Carrel's own patrons — with the SIP2 connection opened where the web server runs.
import type { AppContext } from '../../context.ts';
import { carrelPatrons, type PatronSource } from './pcs.patron-source.ts';
import { Sip2PatronSource } from './pcs-sip2.patron-source.ts';

const sources = new WeakMap<AppContext, PatronSource>();

/** The context's patron source, made on first use from its configuration. */
export function patronSource(ctx: AppContext): PatronSource {
  let s = sources.get(ctx);
  if (!s) {
    const cfg = ctx.config.pcs.sip2;
    s = cfg ? new Sip2PatronSource(cfg, ctx.config.library.timezone) : carrelPatrons;
    sources.set(ctx, s);
  }
  return s;
}

/** Closes the context's patron source (its SIP2 connection); the next login opens a new one. */
export async function closePatronSource(ctx: AppContext): Promise<void> {
  const s = sources.get(ctx);
  sources.delete(ctx);
  await s?.close();
}

/** Where the web server runs: connects to the library system at start, closes at stop. */
export function startPatronSource(ctx: AppContext): Promise<{ stop(): Promise<void> } | null> {
  if (!ctx.config.pcs.sip2) return Promise.resolve(null);
  // Not awaited: a library system that is slow to answer must not hold up the web server's start.
  void patronSource(ctx).warmUp(ctx);
  return Promise.resolve({ stop: () => closePatronSource(ctx) });
}
