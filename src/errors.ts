// The small family of domain errors. Services throw these; one mapper (src/http/errors.ts) turns
// them into a status code with a stable code and a plain message. Services never throw HTTP errors.

export type FieldErrors = Record<string, string>;

export abstract class DomainError extends Error {
  abstract readonly status: number;
  /** Stable, machine-readable code, e.g. "not_found". */
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The input cannot be accepted; `fields` says what to fix per form field. */
export class ValidationError extends DomainError {
  readonly status = 400;
  readonly code = 'invalid_input';
  constructor(
    message: string,
    readonly fields: FieldErrors = {},
  ) {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly code = 'not_found';
}

export class UnauthenticatedError extends DomainError {
  readonly status = 401;
  readonly code = 'unauthenticated';
}

export class ForbiddenError extends DomainError {
  readonly status = 403;
  readonly code = 'forbidden';
}

export class ConflictError extends DomainError {
  readonly status = 409;
  readonly code = 'conflict';
}

/** Too many attempts; `retryAfterSeconds` tells the person when to try again. */
export class TooManyRequestsError extends DomainError {
  readonly status = 429;
  readonly code = 'too_many_requests';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
