// Data inventory entries for announcements (G1, N1): the messages staff write (no patron data)
// and the transient list of patrons still to receive one, deleted message by message.
import type { TableEntry } from '../../privacy/inventory.ts';

/** Days a sent or cancelled announcement (its text and counts) is kept for the record. */
export const ANNOUNCEMENT_KEEP_DAYS = 730;

export function announcementsInventory(): TableEntry[] {
  return [
    {
      table: 'announcements',
      description: 'Announcements staff wrote for subscribed patrons, with counts of how many went out.',
      primaryKey: 'id',
      columns: {
        id: { personal: false, description: 'Identifier of the announcement.' },
        subject: { personal: false, description: 'Subject line.' },
        body: { personal: false, description: 'The text, as written by staff.' },
        status: { personal: false, description: 'draft, sending, sent or cancelled.' },
        created_by: { personal: false, description: 'Staff member who wrote it.' },
        created_at: { personal: false, description: 'When it was written.' },
        updated_at: { personal: false, description: 'When it last changed.' },
        queued_at: { personal: false, description: 'When sending started.' },
        finished_at: { personal: false, description: 'When sending finished.' },
        recipients: { personal: false, description: 'How many subscribers it was for.' },
        sent: { personal: false, description: 'How many messages the mail server accepted.' },
        failed: { personal: false, description: 'How many were refused for good.' },
      },
      retention: [
        {
          id: 'announcements.old',
          description: `A sent or cancelled announcement is deleted ${ANNOUNCEMENT_KEEP_DAYS} days after it was written.`,
          after: 'created_at',
          period: { days: ANNOUNCEMENT_KEEP_DAYS },
          where: [{ column: 'status', op: '<>', value: 'sending' }],
        },
      ],
    },
    {
      table: 'announcement_recipients',
      description:
        'While an announcement is being sent: who still has to receive it. Each row is deleted as its message leaves.',
      primaryKey: 'id',
      columns: {
        id: { personal: false, description: 'Identifier of the row.' },
        announcement_id: { personal: false, description: 'Which announcement.' },
        patron_id: {
          personal: true,
          category: 'contact',
          description: 'A subscriber still to receive the announcement.',
          purpose: 'Sending each subscriber the announcement exactly once, even after a restart (N1).',
          clauses: ['N1'],
          retention: 'announcement_recipients.sent',
          readableBy: [],
          inExport: false,
        },
        created_at: { personal: false, description: 'When sending started.' },
      },
      retention: [
        {
          id: 'announcement_recipients.sent',
          description:
            'Deleted the moment the message to that subscriber is handed to the mail server, or when sending is cancelled.',
          event: 'announcement message sent',
        },
        {
          id: 'announcement_recipients.stale',
          description: 'Left over by an announcement that could not finish: deleted after 7 days.',
          after: 'created_at',
          period: { days: 7 },
        },
      ],
    },
  ];
}
