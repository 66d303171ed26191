// Data inventory entries for Ask a Librarian (G1, R1–R3). A question's personal fields live only
// until it is closed or idle; scrubbing then removes the reply address, names, full ZIP, notes
// and anything personal typed into the texts (R2). What is left is not about anyone.
import type { Config } from '../../config.ts';
import type { PersonalColumn, TableEntry } from '../../privacy/inventory.ts';
import { plural } from '../../plural.ts';

/** Years a scrubbed question (de-identified texts and facts, for statistics) is kept. */
export const SCRUBBED_QUESTION_DAYS = 5 * 365;

export function referenceInventory(config: Config): TableEntry[] {
  const idle = config.reference.idleDays;
  const untilScrub = (
    description: string,
    purpose: string,
    extra: Partial<PersonalColumn> = {},
  ): PersonalColumn => ({
    personal: true,
    category: 'contact',
    description,
    purpose,
    clauses: ['R1', 'R2'],
    retention: 'questions.scrubbed',
    readableBy: ['reference', 'admin'],
    inExport: false,
    ...extra,
  });
  const scrubbed = {
    id: 'questions.scrubbed',
    description: `When a question is closed, or ${plural(idle, 'day')} after its last message, its reply address, the asker's name, the full ZIP code and staff notes are removed, and names, e-mail addresses, phone and card numbers, street addresses and signatures typed into the texts are replaced by placeholders (R2).`,
    event: `question closed, or idle ${plural(idle, 'day')}`,
  };
  return [
    {
      table: 'questions',
      description: 'Questions asked through Ask a Librarian (web form or e-mail).',
      primaryKey: 'id',
      columns: {
        id: { personal: false, description: 'Identifier of the question.' },
        token: {
          personal: false,
          description: 'Random code that threads replies into the question (never the sender, R3).',
        },
        channel: { personal: false, description: 'web or e-mail.' },
        status: { personal: false, description: 'new, claimed, waiting, answered or closed.' },
        reply_to: untilScrub('The e-mail address answers go to.', 'Answering the question (R1).'),
        reply_name: untilScrub(
          'The name shown in the sender field of an e-mailed question.',
          'Finding and removing that name from the texts at scrubbing (R2).',
          { category: 'identity', readableBy: [] },
        ),
        region: { personal: false, description: 'US state or region, if the asker gave one (kept, R2).' },
        zip: untilScrub('ZIP code, if the asker gave one.', 'Knowing which community a question comes from.'),
        zip3: { personal: false, description: 'First three digits of the ZIP code (kept, R2).' },
        category: { personal: false, description: 'Subject category chosen by staff.' },
        effort: { personal: false, description: 'READ-scale effort, 1–6.' },
        claimed_by: { personal: false, description: 'Staff member working on it.' },
        created_at: { personal: false, description: 'When it was asked.' },
        updated_at: { personal: false, description: 'When it last changed.' },
        last_activity_at: { personal: false, description: 'When the last message either way was written.' },
        closed_at: { personal: false, description: 'When it was closed.' },
        scrubbed_at: { personal: false, description: 'When its personal details were removed.' },
      },
      retention: [
        scrubbed,
        {
          id: 'questions.deleted',
          description: 'The asker can delete the question at once with the link in the confirmation e-mail.',
          event: "the asker's delete link",
        },
        {
          id: 'questions.old',
          description: `A scrubbed question is deleted ${SCRUBBED_QUESTION_DAYS / 365} years after it was asked.`,
          after: 'created_at',
          period: { days: SCRUBBED_QUESTION_DAYS },
          where: [{ column: 'scrubbed_at', op: 'is not null' }],
        },
      ],
    },
    {
      table: 'question_messages',
      description: 'The question and the answers, message by message.',
      primaryKey: 'id',
      columns: {
        id: { personal: false, description: 'Identifier of the message.' },
        question_id: { personal: false, description: 'Which question.' },
        direction: { personal: false, description: 'From the asker (in) or the library (out).' },
        body: untilScrub(
          'The text of the message; personal details in it are removed at scrubbing.',
          'Answering the question.',
          { category: 'activity', retention: 'question_messages.scrubbed' },
        ),
        staff_id: { personal: false, description: 'Staff member who wrote an answer.' },
        created_at: { personal: false, description: 'When it was written.' },
      },
      retention: [
        { ...scrubbed, id: 'question_messages.scrubbed' },
        {
          id: 'question_messages.with_question',
          description: 'Deleted with its question.',
          event: 'question deleted',
        },
      ],
    },
    {
      table: 'question_notes',
      description: 'Staff working notes on a question; deleted when the question is scrubbed.',
      primaryKey: 'id',
      columns: {
        id: { personal: false, description: 'Identifier of the note.' },
        question_id: { personal: false, description: 'Which question.' },
        staff_id: { personal: false, description: 'Who wrote it.' },
        body: untilScrub('Staff notes; may mention the asker.', 'Working on the answer.', {
          category: 'activity',
          retention: 'question_notes.scrubbed',
        }),
        created_at: { personal: false, description: 'When it was written.' },
      },
      retention: [{ ...scrubbed, id: 'question_notes.scrubbed' }],
    },
    {
      table: 'faq_entries',
      description: 'Questions and answers published after a staff member confirmed they identify no one.',
      primaryKey: 'id',
      columns: {
        id: { personal: false, description: 'Identifier of the entry.' },
        question: { personal: false, description: 'The de-identified question.' },
        answer: { personal: false, description: 'The answer.' },
        category: { personal: false, description: 'Subject category.' },
        published_by: { personal: false, description: 'Staff member who confirmed and published it.' },
        published_at: { personal: false, description: 'When it was published.' },
      },
      retention: [],
    },
  ];
}
