// Data inventory entries for outgoing e-mail (G1, N3): the outbox, whose recipient and content
// are deleted as soon as a message is delivered; the patron-free daily counts that remain; and the
// development mailbox used when no SMTP server is configured.
import type { PersonalColumn, TableEntry } from '../privacy/inventory.ts';

/** Days an (emptied or undeliverable) outbox row and a development-mailbox message are kept. */
export const OUTBOX_DAYS = 7;
export const DEV_MAILBOX_DAYS = 7;

export function mailInventory(): TableEntry[] {
  const queued = (description: string): PersonalColumn => ({
    personal: true,
    category: 'contact',
    description,
    purpose: 'Sending you the message you asked for or need (service notices, PIN reset links).',
    clauses: ['N3'],
    retention: 'outbox.delivered',
    readableBy: [],
    inExport: false,
  });
  const dev = (description: string): PersonalColumn => ({
    personal: true,
    category: 'contact',
    description,
    purpose: 'Testing e-mail on an installation without a mail server; nothing is sent.',
    clauses: ['N3'],
    retention: 'dev_mailbox.expired',
    readableBy: ['admin'],
    inExport: false,
  });
  return [
    {
      table: 'outbox',
      description: 'E-mail waiting to be sent; emptied as soon as the mail server takes it (N3).',
      primaryKey: 'id',
      columns: {
        id: { personal: false, description: 'Random identifier of the message.' },
        kind: { personal: false, description: 'Kind of message, e.g. pin-reset.' },
        recipient: queued('The address the message goes to.'),
        subject: queued('Subject line of the message (never a title, N2).'),
        text_body: queued('Plain-text content of the message.'),
        html_body: queued('HTML content of the message, if any.'),
        created_at: { personal: false, description: 'When the message was queued.' },
        sent_at: { personal: false, description: 'When the mail server accepted the message.' },
        patron_id: queued('Whose notice it is, so an address the mail server refuses can be flagged.'),
        reply_to: queued('Where replies to the message go (Ask a Librarian threads replies by it).'),
        headers: queued('Extra headers of the message, such as the unsubscribe link of an announcement.'),
      },
      retention: [
        {
          id: 'outbox.delivered',
          description:
            'The recipient, subject and content of an e-mail are deleted as soon as the mail server accepts it, or when it is refused or sending is given up.',
          event: 'e-mail delivery (or final failure)',
        },
        {
          id: 'outbox.expired',
          description: `The emptied record of a sent e-mail (its kind and times only) is deleted ${OUTBOX_DAYS} days after it was queued.`,
          after: 'created_at',
          period: { days: OUTBOX_DAYS },
        },
      ],
    },
    {
      table: 'mail_counts',
      description: 'How many e-mails of each kind were sent, refused or failed per day; no recipients (N3).',
      primaryKey: 'key',
      columns: {
        key: { personal: false, description: 'Day, kind and outcome joined, for counting.' },
        day: { personal: false, description: 'The day.' },
        kind: { personal: false, description: 'Kind of message.' },
        outcome: {
          personal: false,
          description: 'delivered, dev-mailbox, rejected (refused for good) or failed (gave up).',
        },
        count: { personal: false, description: 'How many.' },
      },
      retention: [],
    },
    {
      table: 'dev_mailbox',
      description:
        'Development mailbox: e-mail "sent" while no mail server is configured; only administrators can read it.',
      primaryKey: 'id',
      columns: {
        id: { personal: false, description: 'Random identifier of the message.' },
        kind: { personal: false, description: 'Kind of message, e.g. pin-reset.' },
        recipient: dev('The address the message would have gone to.'),
        subject: dev('Subject line of the message.'),
        text_body: dev('Plain-text content of the message.'),
        html_body: dev('HTML content of the message, if any.'),
        created_at: { personal: false, description: 'When the message arrived in the mailbox.' },
      },
      retention: [
        {
          id: 'dev_mailbox.expired',
          description: `A message in the development mailbox is deleted ${DEV_MAILBOX_DAYS} days after it arrived.`,
          after: 'created_at',
          period: { days: DEV_MAILBOX_DAYS },
        },
      ],
    },
  ];
}
