// The e-mails of Ask a Librarian: the confirmation, a librarian's answer, and the automatic refusal
// of a message with attachments. Plain text with a simple HTML part, in the library's name; no
// images, no tracking, links written out as they are (N2). Replies thread by the +token in the
// Reply-To address and the [Ref: TOKEN] marker in the subject, never by the sender (R3).
import { renderToString } from 'preact-render-to-string';
import type { ComponentChildren } from 'preact';
import type { LibraryIdentity } from '../../library.ts';
import { formatSubjectToken } from '../../mail/inbound/inbound-message.ts';
import type { MailToQueue } from '../../mail/mail.service.ts';

export interface ThreadAddress {
  /** ask+TOKEN@domain: where replies go so they join the question. */
  replyTo: string;
  token: string;
}

function htmlDocument(subject: string, body: ComponentChildren): string {
  return `<!doctype html>\n${renderToString(
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <title>{subject}</title>
      </head>
      <body>{body}</body>
    </html>,
  )}`;
}

/** Plain-text paragraphs become HTML paragraphs with their line breaks kept. */
function Paragraphs({ text }: { text: string }) {
  return (
    <>
      {text.split(/\n{2,}/).map((p, i) => (
        <p key={i}>
          {p.split('\n').map((line, j) => (
            <>
              {j > 0 && <br />}
              {line}
            </>
          ))}
        </p>
      ))}
    </>
  );
}

const scrubNote = (library: LibraryIdentity) =>
  `When your question is closed, ${library.name} removes your e-mail address, your name and any addresses, phone or card numbers in the messages. Only the question and answer texts, dates, the subject category, your state and the first three digits of your ZIP code are kept, for statistics.`;

/** Confirms a new question, says how replies thread and what scrubbing removes, with the delete link. */
export function confirmationMail(
  library: LibraryIdentity,
  to: string,
  thread: ThreadAddress,
  deleteLink: string,
  channel: 'web' | 'email',
): MailToQueue {
  const subject = `Your question to ${library.name} ${formatSubjectToken(thread.token)}`;
  const paragraphs = [
    'Hello,',
    `Thank you for your question. A librarian at ${library.name} will answer it by e-mail, usually within two working days.`,
    `To add something, reply to this message: replies to ${thread.replyTo} join your question. Please keep the [Ref: …] code in the subject.`,
    scrubNote(library),
    'To delete your question now, with everything we hold about it, open this link:',
  ];
  const text = [...paragraphs, deleteLink, '', library.name, ''].join('\n\n').replace(/\n{3,}/g, '\n\n');
  const html = htmlDocument(
    subject,
    <>
      {paragraphs.map((p, i) => (
        <p key={i}>{p}</p>
      ))}
      <p>
        <a href={deleteLink}>{deleteLink}</a>
      </p>
      <p>{library.name}</p>
    </>,
  );
  return {
    kind: 'reference-confirmation',
    to,
    subject,
    text,
    html,
    replyTo: thread.replyTo,
    // RFC 3834: an automatic answer to a message, so the patron's auto-responder does not answer it.
    headers: { 'Auto-Submitted': channel === 'email' ? 'auto-replied' : 'auto-generated' },
  };
}

/** A librarian's answer: their text, then how to reply and the privacy reminder. */
export function answerMail(
  library: LibraryIdentity,
  to: string,
  thread: ThreadAddress,
  answer: string,
  deleteLink: string,
): MailToQueue {
  const subject = `Re: your question to ${library.name} ${formatSubjectToken(thread.token)}`;
  const footer = [
    `To reply, answer this message (it goes to ${thread.replyTo}).`,
    scrubNote(library),
    `Delete your question now: ${deleteLink}`,
  ];
  const text = `${answer}\n\n-- \n${library.name}, Ask a Librarian\n\n${footer.join('\n\n')}\n`;
  const html = htmlDocument(
    subject,
    <>
      <Paragraphs text={answer} />
      <hr />
      <p>{library.name}, Ask a Librarian</p>
      <p>{footer[0]}</p>
      <p>{footer[1]}</p>
      <p>
        Delete your question now: <a href={deleteLink}>{deleteLink}</a>
      </p>
    </>,
  );
  // Written by a person: not marked as automatic, so the patron's auto-responder may answer it.
  return {
    kind: 'reference-answer',
    to,
    subject,
    text,
    html,
    replyTo: thread.replyTo,
    headers: { 'Auto-Submitted': 'no' },
  };
}

/** The polite automatic refusal of a message with attachments: nothing of it was kept. */
export function refusedMail(library: LibraryIdentity, to: string, replyTo: string): MailToQueue {
  const subject = `Your message to ${library.name} could not be accepted`;
  const paragraphs = [
    'Hello,',
    `Your message to ${library.name}'s Ask a Librarian service had attachments. We do not accept attachments, so your message was not kept and nobody has read it.`,
    'Please send your question again without attachments, typing the text into the message itself.',
    library.name,
  ];
  return {
    kind: 'reference-refused',
    to,
    subject,
    text: `${paragraphs.join('\n\n')}\n`,
    html: htmlDocument(
      subject,
      paragraphs.map((p, i) => <p key={i}>{p}</p>),
    ),
    replyTo,
    headers: { 'Auto-Submitted': 'auto-replied' },
  };
}
