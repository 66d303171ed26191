// Public pages. No cookies, sessions or JavaScript (W1); rendered on the server.
import type { AppContext } from '../../context.ts';
import { sendPage } from '../../http/render.tsx';
import type { App } from '../../http/types.ts';
import { buildPrivacyPolicy } from '../../privacy/privacy-policy.ts';
import { ContactPage, HomePage, PrivacyPage } from './public.views.tsx';

export function registerPublicRoutes(app: App, ctx: AppContext): void {
  const library = ctx.config.library;
  // The policy depends only on code and configuration, so it is built once.
  const policy = buildPrivacyPolicy(ctx.inventory, ctx.config);

  app.get('/', (_request, reply) => sendPage(reply, <HomePage library={library} />));
  app.get('/contact', (_request, reply) => sendPage(reply, <ContactPage library={library} />));
  app.get('/privacy', (_request, reply) =>
    sendPage(reply, <PrivacyPage library={library} policy={policy} />),
  );
}
