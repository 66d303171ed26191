// Public catalog: search and record pages, and the catalog API (issue 3, W1). No sign-in, no
// cookies (no CSRF token is generated here), no JavaScript; nothing typed is logged or stored.
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { renderPage, sendHtml, sendPage } from '../../http/render.tsx';
import type { App } from '../../http/types.ts';
import { externalHref } from '../webstats/leave.ts';
import { CatalogSearchPage, RecordPage, SearchHelpPage } from './catalog.views.tsx';
import { presentRecord, presentSearch } from './search/search.presenters.ts';
import {
  recordResponseSchema,
  searchQuerySchema,
  searchResponseSchema,
  toSearchInput,
} from './search/search.schemas.ts';
import { getRecord, searchCatalog } from './search/search.service.ts';

const recordParams = z.object({ id: z.string().min(1).max(200) });
const errorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export function registerCatalogRoutes(app: App, ctx: AppContext): void {
  const library = ctx.config.library;
  const help = renderPage(<SearchHelpPage library={library} />);

  app.get('/catalog', { schema: { querystring: searchQuerySchema } }, async (request, reply) => {
    const result = await searchCatalog(ctx, toSearchInput(request.query));
    return sendPage(reply, <CatalogSearchPage library={library} result={result} />);
  });

  app.get('/catalog/help', (_request, reply) => sendHtml(reply, help));

  app.get('/catalog/record/:id', { schema: { params: recordParams } }, async (request, reply) => {
    const record = await getRecord(ctx, request.params.id);
    return sendPage(
      reply,
      <RecordPage library={library} record={record} leaveHref={(url) => externalHref(ctx.config, url)} />,
    );
  });

  app.get(
    '/api/v1/catalog/search',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Search the catalog (any text is a search; see docs/catalog-search.md)',
        querystring: searchQuerySchema,
        response: { 200: searchResponseSchema },
      },
    },
    async (request) => presentSearch(await searchCatalog(ctx, toSearchInput(request.query))),
  );

  app.get(
    '/api/v1/catalog/records/:id',
    {
      schema: {
        tags: ['catalog'],
        summary: 'One catalog record: description and copies per branch',
        params: recordParams,
        response: { 200: recordResponseSchema, 404: errorBody },
      },
    },
    async (request) => presentRecord(await getRecord(ctx, request.params.id)),
  );
}
