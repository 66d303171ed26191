// Turns a zod failure into a ValidationError with one message per field, for forms, API and CLI.
import { z } from 'zod';
import { ValidationError, type FieldErrors } from './errors.ts';

export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  summary = 'Please correct the marked fields.',
): z.output<S> {
  const res = schema.safeParse(input);
  if (res.success) return res.data;
  const fields: FieldErrors = {};
  for (const issue of res.error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '_';
    fields[key] ??= issue.message;
  }
  throw new ValidationError(summary, fields);
}

/** An HTML checkbox: "on" when ticked, absent when not (true/"true"/"1" from the API). */
export const checkbox = z.preprocess(
  (v) => v === true || v === 'on' || v === 'true' || v === '1',
  z.boolean(),
);
