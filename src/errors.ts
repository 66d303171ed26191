// The small family of domain errors. Services throw these; one mapper (src/http/errors.tsx) turns
// them into a status code with a stable code and a plain message. Services never throw HTTP errors,
// and a domain error says what kind of refusal it is, never which HTTP status that becomes.

export type FieldErrors = Record<string, string>;

/** What kind of refusal an error is; `describeError` in src/http/errors.tsx maps each to a status. */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'timed_out'
  | 'too_many_requests';

export abstract class DomainError extends Error {
  abstract readonly kind: ErrorKind;
  /** Stable, machine-readable code, e.g. "not_found". */
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The input cannot be accepted; `fields` says what to fix per form field. */
export class ValidationError extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'invalid_input';
  constructor(
    message: string,
    readonly fields: FieldErrors = {},
  ) {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'not_found';
}

export class UnauthenticatedError extends DomainError {
  readonly kind = 'unauthenticated';
  readonly code = 'unauthenticated';
}

export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
  readonly code = 'forbidden';
}

export class ConflictError extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'conflict';
}

/** Too many attempts; `retryAfterSeconds` tells the person when to try again. */
export class TooManyRequestsError extends DomainError {
  readonly kind = 'too_many_requests';
  readonly code = 'too_many_requests';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
