// Server-side rendering: Preact components to an HTML string. Text and attributes are escaped
// by default; nothing in Carrel uses dangerouslySetInnerHTML.
import type { FastifyReply } from 'fastify';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

export const renderPage = (page: VNode): string => `<!doctype html>\n${renderToString(page)}`;

export function sendHtml(reply: FastifyReply, html: string, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}

export function sendPage(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  return sendHtml(reply, renderPage(page), status);
}
