// One "Ask a Librarian" e-mail as the rest of Carrel sees it: the reply address, the subject, the
// plain text, and the question it threads into. Only what answering needs is kept (R1): no HTML, no
// attachments, no headers beyond what decides threading and auto-reply handling. Threading comes
// from a token in the recipient address or the subject, never from the sender (R3).
import type { Readable } from 'node:stream';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';

export interface InboundMessage {
  /** The Message-ID header, to recognise a message delivered twice; null when missing. */
  messageId: string | null;
  /** Where a reply goes (Reply-To, else From), lower-cased; null when there is no usable address. */
  from: string | null;
  /** The sender's display name (Reply-To's, else From's), so it can be redacted from the texts later (R2). */
  fromName?: string | null;
  /** The subject line, '' when missing. */
  subject: string;
  /** Plain text (converted from HTML when there is no text part), quoted tails kept, trailing blanks trimmed. */
  text: string;
  /** The question this message belongs to, from the recipient address or the subject; never the sender. */
  threadToken: string | null;
  /** Whether the message carried attachments; their content is dropped here and never stored. */
  hasAttachments: boolean;
  /** An automatic message (auto-reply, bulk mail, bounce) that must not get an automatic answer. */
  isAutoReply: boolean;
  /** A delivery report (RFC 3464) saying delivery failed for good (Action: failed or Status 5.x.x). */
  deliveryFailed?: boolean;
}

/** Maps recipient addresses to a thread token (e.g. the plus-tag of ask+TOKEN@library.example). */
export type TokenFromAddress = (addresses: string[]) => string | null;

export interface ParseInboundOptions {
  tokenFromAddress: TokenFromAddress;
  /** Envelope recipients (RCPT TO), tried before the To/Cc headers; IMAP has none. */
  recipients?: string[];
  /** Envelope sender (MAIL FROM); '' is the null sender of bounces and auto-replies. */
  mailFrom?: string | null;
}

/** The shape of a thread token: long and random enough that it cannot be guessed. */
export const THREAD_TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

const SUBJECT_TOKEN = /\[\s*Ref:\s*([A-Za-z0-9_-]{16,64})\s*\]/i;

/** The thread token in a subject's `[Ref: TOKEN]` marker, or null. */
export function subjectToken(subject: string): string | null {
  return SUBJECT_TOKEN.exec(subject)?.[1] ?? null;
}

/** The `[Ref: TOKEN]` marker that outgoing replies put in their subject so answers thread back. */
export function formatSubjectToken(token: string): string {
  if (!THREAD_TOKEN.test(token)) throw new Error('Not a thread token');
  return `[Ref: ${token}]`;
}

/**
 * Whether an address is the reference address (`localPart@domain` or `localPart+TAG@domain`, in one
 * of the domains), and its plus-tag if that is a well-formed token. Local part and domain compare
 * without case; the token keeps its case.
 */
export function matchReferenceAddress(
  address: string,
  opts: { localPart: string; domains: string[] },
): { token: string | null } | null {
  const at = address.lastIndexOf('@');
  if (at < 1) return null;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  if (!opts.domains.some((d) => d.toLowerCase() === domain)) return null;
  const base = opts.localPart.toLowerCase();
  if (local.toLowerCase() === base) return { token: null };
  if (!local.toLowerCase().startsWith(`${base}+`)) return null;
  const tag = local.slice(base.length + 1);
  return { token: THREAD_TOKEN.test(tag) ? tag : null };
}

/** A TokenFromAddress for plus-addressing on the reference address. */
export function plusAddressToken(opts: { localPart: string; domains: string[] }): TokenFromAddress {
  return (addresses) => {
    for (const a of addresses) {
      const token = matchReferenceAddress(a, opts)?.token;
      if (token) return token;
    }
    return null;
  };
}

/** Parses a raw RFC 5322 message; attachments are noted, never kept. */
export async function parseInbound(
  raw: Buffer | NodeJS.ReadableStream,
  opts: ParseInboundOptions,
): Promise<InboundMessage> {
  // Text-to-HTML and link detection are work for a view we never build.
  const mail = await simpleParser(raw as Buffer | Readable, { skipTextToHtml: true, skipTextLinks: true });
  const headerToken = opts.tokenFromAddress([...(opts.recipients ?? []), ...recipientsOf(mail)]);
  return {
    messageId: mail.messageId ?? null,
    from: firstAddress(mail.replyTo) ?? firstAddress(mail.from),
    fromName: firstName(mail.replyTo) ?? firstName(mail.from),
    subject: mail.subject ?? '',
    text: plainText(mail.text ?? ''),
    // A token that is not well-formed is no token: the callback is the operator's and may be loose.
    threadToken: validToken(headerToken) ?? subjectToken(mail.subject ?? ''),
    hasAttachments: mail.attachments.length > 0,
    isAutoReply: isAutomatic(mail, opts.mailFrom),
    deliveryFailed: deliveryFailed(mail),
  };
}

/**
 * Whether a delivery report (multipart/report; report-type=delivery-status) says delivery failed
 * for good. mailparser folds the message/delivery-status part into the text, so its status lines
 * are read there (or from the part, where a parser keeps it apart).
 */
function deliveryFailed(mail: ParsedMail): boolean {
  const ct = mail.headers.get('content-type') as
    { value?: string; params?: Record<string, string> } | undefined;
  if (ct?.value?.toLowerCase() !== 'multipart/report') return false;
  const failed = /^(?:Action:[ \t]*failed|Status:[ \t]*5\.\d{1,3}\.\d{1,3})\b/im;
  return (
    failed.test(mail.text ?? '') ||
    mail.attachments.some(
      (a) =>
        /^message\/(?:global-)?delivery-status$/i.test(a.contentType) &&
        failed.test(a.content.toString('utf8')),
    )
  );
}

const validToken = (t: string | null): string | null => (t !== null && THREAD_TOKEN.test(t) ? t : null);

/** Line ends made uniform and trailing blanks dropped, so stored text compares and redacts simply. */
function plainText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trimEnd();
}

function addressesOf(field: AddressObject | AddressObject[] | undefined): string[] {
  const out: string[] = [];
  const walk = (list: AddressObject['value']) => {
    for (const a of list) {
      if (a.group) walk(a.group);
      else if (a.address?.includes('@')) out.push(a.address);
    }
  };
  for (const obj of [field ?? []].flat()) walk(obj.value);
  return out;
}

// Lower-cased for the reply address only: a recipient's plus-tag token keeps its case.
const firstAddress = (field: AddressObject | AddressObject[] | undefined): string | null =>
  addressesOf(field)[0]?.toLowerCase() ?? null;

/** The display name given with the first address of a header, trimmed; null when there is none. */
function firstName(field: AddressObject | AddressObject[] | undefined): string | null {
  for (const obj of [field ?? []].flat())
    for (const a of obj.value) {
      const name = a.name?.trim();
      if (name && !name.includes('@')) return name;
    }
  return null;
}

/** To, Cc and the delivery headers a mailbox adds: where the plus-tag survives when polled by IMAP. */
function recipientsOf(mail: ParsedMail): string[] {
  const delivered = [...headerValues(mail, 'delivered-to'), ...headerValues(mail, 'x-original-to')].map((v) =>
    v.replace(/^<|>$/g, ''),
  );
  return [...addressesOf(mail.to), ...addressesOf(mail.cc), ...delivered];
}

/** Raw header values (unfolded, trimmed), read from the lines so mailparser's structuring is moot. */
function headerValues(mail: ParsedMail, key: string): string[] {
  return mail.headerLines
    .filter((h) => h.key === key)
    .map((h) =>
      h.line
        .slice(h.line.indexOf(':') + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim(),
    );
}

/** RFC 3834 and common practice: answering these would start a mail loop or answer a machine. */
function isAutomatic(mail: ParsedMail, mailFrom: string | null | undefined): boolean {
  const first = (key: string) => headerValues(mail, key)[0]?.toLowerCase();
  const autoSubmitted = first('auto-submitted');
  const precedence = first('precedence');
  const returnPath = first('return-path');
  const type = first('content-type')?.split(';')[0]?.trim();
  return (
    (autoSubmitted !== undefined && autoSubmitted.split(';')[0]!.trim() !== 'no') ||
    first('x-autoreply') !== undefined ||
    first('x-autorespond') !== undefined ||
    (precedence !== undefined && ['bulk', 'junk', 'list'].includes(precedence)) ||
    mailFrom === '' ||
    returnPath === '<>' ||
    type === 'multipart/report'
  );
}
