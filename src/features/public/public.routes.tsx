// Public pages. No cookies, sessions or JavaScript (W1); rendered on the server.
import type { AppContext } from '../../context.ts';
import { renderPage, sendHtml } from '../../http/render.tsx';
import type { App } from '../../http/types.ts';
import { buildPrivacyPolicy } from '../../privacy/privacy-policy.ts';
import { ContactPage, HomePage, PrivacyPage } from './public.views.tsx';

export function registerPublicRoutes(app: App, ctx: AppContext): void {
  const library = ctx.config.library;
  // These pages depend only on code and configuration, so each is rendered once, at start-up:
  // the busiest pages of the site cost no rendering per request.
  const policy = buildPrivacyPolicy(ctx.inventory, ctx.config);
  const home = renderPage(<HomePage library={library} />);
  const contact = renderPage(<ContactPage library={library} />);
  const privacy = renderPage(<PrivacyPage library={library} policy={policy} />);

  app.get('/', (_request, reply) => sendHtml(reply, home));
  app.get('/contact', (_request, reply) => sendHtml(reply, contact));
  app.get('/privacy', (_request, reply) => sendHtml(reply, privacy));
}
