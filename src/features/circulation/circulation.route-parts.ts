// Small pieces the circulation route files share.
import { z } from 'zod';
import { DomainError } from '../../errors.ts';
import { domainStatus } from '../../http/errors.tsx';

export const idParams = z.object({ id: z.string().min(1).max(64) });

/** Only these kinds of refusal are shown on the form; anything else is a real failure. */
export const isFormError = (err: unknown): err is DomainError =>
  err instanceof DomainError &&
  domainStatus(err) >= 400 &&
  domainStatus(err) < 500 &&
  domainStatus(err) !== 403;
