// The PIN reset e-mail: plain text and a simple HTML part, in the library's name. No title, no
// name, no card number, no images, no tracking; the one link is written out as it is (N2).
import { renderToString } from 'preact-render-to-string';
import type { LibraryIdentity } from '../../library.ts';
import type { MailToQueue } from '../../mail/mail.service.ts';
import { plural } from '../../plural.ts';

export function pinResetMail(
  library: LibraryIdentity,
  to: string,
  link: string,
  minutes: number,
): MailToQueue {
  const subject = `Choose a new PIN for your ${library.name} account`;
  const contact = library.contacts.webmaster.email;
  const text = [
    'Hello,',
    '',
    `Someone, probably you, asked to choose a new PIN for your ${library.name} account.`,
    `To choose one, open this link within ${plural(minutes, 'minute')}:`,
    '',
    link,
    '',
    'The link works once. If you did not ask for it, ignore this message: your PIN stays as it is.',
    '',
    `${library.name}`,
    `Questions: ${contact}`,
    '',
  ].join('\n');
  const html = `<!doctype html>\n${renderToString(
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <title>{subject}</title>
      </head>
      <body>
        <p>Hello,</p>
        <p>Someone, probably you, asked to choose a new PIN for your {library.name} account.</p>
        <p>
          To choose one, open this link within {plural(minutes, 'minute')}:
          <br />
          <a href={link}>{link}</a>
        </p>
        <p>The link works once. If you did not ask for it, ignore this message: your PIN stays as it is.</p>
        <p>
          {library.name}
          <br />
          Questions: {contact}
        </p>
      </body>
    </html>,
  )}`;
  return { kind: 'pin-reset', to, subject, text, html };
}
