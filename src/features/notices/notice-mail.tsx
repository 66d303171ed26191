// The service notices' words (issue 4, N2): plain text and a simple, accessible HTML part in the
// library's name. Subject lines never carry a title; bodies carry titles only when the patron
// chose so. No images, no tracking, links written out as they are.
import { renderToString } from 'preact-render-to-string';
import type { LibraryIdentity } from '../../library.ts';

export const noticeKinds = ['hold-ready', 'due-soon', 'overdue', 'hold-expired', 'hold-cancelled'] as const;
export type NoticeKind = (typeof noticeKinds)[number];

/** One borrowed or held item in a notice; `title` is null unless the patron wants titles. */
export interface NoticeLine {
  title: string | null;
  /** e.g. "due Dec 3, 2026" */
  detail: string;
}

export interface NoticeContent {
  subject: string;
  /** Paragraphs before the item list. */
  intro: string[];
  lines: NoticeLine[];
  /** Paragraphs after the list. */
  outro: string[];
  /** One link, written out in full (never rewritten or tracked). */
  link: { label: string; href: string } | null;
}

export interface RenderedNotice {
  subject: string;
  text: string;
  html: string;
}

const lineText = (l: NoticeLine) => (l.title ? `${l.title} (${l.detail})` : l.detail);

/** Renders a notice as plain text and HTML, ending with the library's name and contact. */
export function renderNotice(library: LibraryIdentity, c: NoticeContent): RenderedNotice {
  const contact = library.contacts.webmaster.email;
  const footer = [
    library.name,
    `Questions: ${contact}`,
    'You receive this because you have items or holds at the library. To stop these e-mails, sign in and choose "E-mail and notices".',
  ];
  const text = [
    'Hello,',
    '',
    ...c.intro.flatMap((p) => [p, '']),
    ...(c.lines.length ? [...c.lines.map((l) => `- ${lineText(l)}`), ''] : []),
    ...c.outro.flatMap((p) => [p, '']),
    ...(c.link ? [`${c.link.label}:`, c.link.href, ''] : []),
    '-- ',
    ...footer,
    '',
  ].join('\n');
  const html = `<!doctype html>\n${renderToString(
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <title>{c.subject}</title>
      </head>
      <body>
        <p>Hello,</p>
        {c.intro.map((p) => (
          <p>{p}</p>
        ))}
        {c.lines.length > 0 && (
          <ul>
            {c.lines.map((l) => (
              <li>{lineText(l)}</li>
            ))}
          </ul>
        )}
        {c.outro.map((p) => (
          <p>{p}</p>
        ))}
        {c.link && (
          <p>
            {c.link.label}:
            <br />
            <a href={c.link.href}>{c.link.href}</a>
          </p>
        )}
        <hr />
        <p>
          {footer[0]}
          <br />
          {footer[1]}
        </p>
        <p>{footer[2]}</p>
      </body>
    </html>,
  )}`;
  return { subject: c.subject, text, html };
}
