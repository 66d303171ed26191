// The one way a route handles a form: read what was typed, check it against a schema (when the route
// has one), run the action, and on a refusal that concerns the input say how to show the form again:
// the message, one message per field, what was typed (never a PIN) and the status. One rule decides
// which refusals re-show the form; every other error goes on to the error page (src/http/errors.tsx).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError, TooManyRequestsError, ValidationError, type FieldErrors } from '../errors.ts';
import { parseInput } from '../validation.ts';
import { domainStatus } from './errors.tsx';
import { formFields, rawForm, withoutSecrets } from './forms.ts';

/** How to show the form again after a refusal. */
export interface FormFailure {
  /** The refusal, for a route that shows some kinds differently (e.g. an expired link). */
  error: DomainError;
  message: string;
  fields: FieldErrors;
  /** What was typed, without secrets, to put back in the form. */
  values: Record<string, string>;
  /** The fields named in `lists` (check boxes), with every value posted, to tick again. */
  lists: Record<string, string[]>;
  /** 400 for invalid input; otherwise the status the refusal maps to. */
  status: number;
}

export type FormOutcome<R> = { ok: true; result: R } | { ok: false; failure: FormFailure };

/**
 * The one rule: a refusal re-shows the form when it is about what was typed — invalid input, a
 * conflict with the library's data, a wrong card or PIN, too many attempts, or something typed that
 * names nothing. Not being allowed, a body too large or a stalled upload go to the error page.
 */
export const reshowsForm = (err: unknown): err is DomainError =>
  err instanceof DomainError &&
  err.kind !== 'forbidden' &&
  err.kind !== 'too_large' &&
  err.kind !== 'timed_out';

/** A refusal as the form shows it; sets Retry-After when the person must wait. */
export function formFailure(
  reply: FastifyReply,
  err: DomainError,
  typed: Record<string, string>,
  lists: Record<string, string[]> = {},
): FormFailure {
  if (err instanceof TooManyRequestsError) void reply.header('Retry-After', String(err.retryAfterSeconds));
  return {
    error: err,
    message: err.message,
    fields: err instanceof ValidationError ? err.fields : {},
    values: withoutSecrets(typed),
    lists,
    status: domainStatus(err),
  };
}

const every = (v: unknown): string[] =>
  (Array.isArray(v) ? v : [v]).filter((s): s is string => typeof s === 'string');

const definedOnly = (input: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(input).filter((e): e is [string, string] => e[1] !== undefined));

interface FormActionOptions<S extends z.ZodType> {
  /** The form's schema: every form has one, checked here at the edge (`noFields` for a button). */
  schema: S;
  /** What was typed (e.g. a GET form's query); by default the posted form without its CSRF token. */
  input?: Record<string, string | undefined>;
  /**
   * Fields a form may post once, several times or not at all (check boxes): each reaches the schema
   * as the list of every value posted (a single field keeps only its first value).
   */
  lists?: readonly string[];
  /** The summary above the per-field messages when the schema refuses the input. */
  summary?: string;
}

/**
 * Runs a form's action with the checked values. A refusal that concerns the input becomes a
 * FormFailure for the route to re-show its form with; any other error is thrown on.
 */
export async function formAction<R, S extends z.ZodType = z.ZodType<Record<string, string>>>(
  request: FastifyRequest,
  reply: FastifyReply,
  options: FormActionOptions<S>,
  action: (values: z.output<S>) => Promise<R>,
): Promise<FormOutcome<R>> {
  const typed = options.input ? definedOnly(options.input) : formFields(request);
  const body = rawForm(request);
  const lists: Record<string, string[]> = {};
  for (const name of options.lists ?? []) {
    lists[name] = every(body[name]);
    delete typed[name];
  }
  try {
    const input = { ...typed, ...lists };
    const values = parseInput(options.schema, input, options.summary);
    return { ok: true, result: await action(values as z.output<S>) };
  } catch (err) {
    if (!reshowsForm(err)) throw err;
    return { ok: false, failure: formFailure(reply, err, typed, lists) };
  }
}

/**
 * The schema of a form that is only a button (disable an account, unpublish an entry): nothing is
 * typed, but its refusals follow the same rule as every other form's.
 */
export const noFields = z.object({});
