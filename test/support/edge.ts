// Service tests that check what a form or API refuses: the raw values go through the schema the
// edge parses with, then to the service, so a refusal of either rejects the same promise.
import type { z } from 'zod';
import { parseInput } from '../../src/validation.ts';

/** Parses raw input with the edge's schema (and summary), then calls the service with the typed values. */
export const viaEdge = <S extends z.ZodType, R>(
  schema: S,
  raw: unknown,
  call: (values: z.output<S>) => Promise<R>,
  summary?: string,
): Promise<R> => Promise.resolve().then(() => call(parseInput(schema, raw, summary)));
