// The shape of one step in a case as a page or API sends it (issue 15 item 2; L2): checked here at
// the edge; whether the step may be taken, and whether the reason or findings are blank, is the
// state machine's business (legal.states.ts), so blanks pass and come back as its sentences.
import { z } from 'zod';
import { instruments } from './legal.schemas.ts';
import { eventKinds, findingNames, type EventKind, type FindingName } from './legal.states.ts';

const text = (label: string, max: number) =>
  z
    .string({ error: `${label}: text expected.` })
    .trim()
    .max(max, `${label}: at most ${max} characters.`);

const findingsShape = Object.fromEntries(
  findingNames.map((n) => [n, text('Finding', 5000).optional()]),
) as Record<FindingName, z.ZodOptional<ReturnType<typeof text>>>;

export const moveSchema = z.object({
  /** The step to take. */
  event: z.enum(eventKinds as [EventKind, ...EventKind[]], { error: 'Choose a step.' }),
  /** Why (required by the state machine). */
  reason: text('Reason', 5000).default(''),
  /** approve: counsel's findings, all required by the state machine. */
  findings: z.strictObject(findingsShape).default({}),
  /** record_warrant: what the agents searched and took. */
  taken: text('What was searched and taken', 10_000).optional(),
  /** open_emergency: the threat the requester described. */
  threat: text('The threat described', 5000).optional(),
  /** release: deciding as the director or as counsel. */
  as: z.enum(['director', 'counsel'], { error: 'Decide as the director or as counsel.' }).optional(),
  /** convert: the legal process that was served. */
  instrument: z.enum(instruments, { error: 'Choose the legal process that was served.' }).optional(),
});
export type MoveValues = z.output<typeof moveSchema>;
