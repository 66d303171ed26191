// Shared by the Ask a Librarian tests: submitting the public form as a person would (waiting past
// the too-fast check on the fake clock), inbound messages, and reading what the SMTP sink got.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { InboundMessage } from '../../mail/inbound/inbound-message.ts';
import type { TestEnv } from '../../../test/support/env.ts';
import { csrfTokenOf, type Browser } from '../../../test/support/http.ts';
import type { Received } from '../../../test/support/smtp.ts';

/** Loads /ask, waits `waitMs` on the fake clock, and posts the form with the page's tokens. */
export async function ask(
  env: TestEnv,
  browser: Browser,
  form: Record<string, string>,
  opts: { waitMs?: number; remoteAddress?: string } = {},
): Promise<LightMyRequestResponse> {
  const page = await browser.get('/ask');
  assert.equal(page.statusCode, 200);
  const renderedAt = /name="renderedAt" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  env.clock.advance(opts.waitMs ?? 8_000);
  return browser.request('POST', '/ask', {
    form: { _csrf: csrfTokenOf(page.body), renderedAt, website: '', ...form },
    ...(opts.remoteAddress ? { remoteAddress: opts.remoteAddress } : {}),
  });
}

/** An inbound message as parseInbound would hand it over. */
export function inbound(over: Partial<InboundMessage>): InboundMessage {
  return {
    messageId: null,
    from: 'reader@example.org',
    fromName: null,
    subject: 'A question',
    text: 'When does the library open on Sundays?',
    threadToken: null,
    hasAttachments: false,
    isAutoReply: false,
    ...over,
  };
}

export const textOf = (r: Received): string => r.mail.text ?? '';
export const htmlOf = (r: Received): string => (typeof r.mail.html === 'string' ? r.mail.html : '');
export const replyToOf = (r: Received): string => r.mail.replyTo?.value[0]?.address ?? '';
export const tokenOfSubject = (r: Received): string =>
  /\[Ref: ([A-Za-z0-9_-]+)\]/.exec(r.mail.subject ?? '')?.[1] ?? '';

/** The delete link's path in a message: /ask/delete/<id>.<hmac>. */
export function deletePathIn(text: string): string {
  const m = /https?:\/\/\S+?(\/ask\/delete\/[0-9a-f-]{36}\.[0-9a-f]{64})/.exec(text);
  assert.ok(m, 'the message holds a delete link');
  return m[1]!;
}

/** N2 for every message: no images, no tracking parameters, links as written in the text. */
export function assertCleanMail(r: Received): void {
  const html = htmlOf(r);
  assert.ok(!/<img|background=|url\(/i.test(html), 'no images');
  assert.ok(!/utm_|[?&](?:trk|track|mc_eid)=/i.test(html + textOf(r)), 'no tracking parameters');
  for (const m of html.matchAll(/href="([^"]+)"/g))
    assert.ok(textOf(r).includes(m[1]!), `the link ${m[1]} is the one written in the text`);
  assert.ok(textOf(r), 'a plain-text part');
}
