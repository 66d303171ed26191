// What the sign-in throttle (src/auth/throttle.ts, A3) answers, for tests of patron and staff sign-in.

/**
 * The outcomes of five wrong guesses in a row from one address: three free failures, a fourth that
 * is still checked but starts the back-off, then a wait.
 */
export const FIVE_WRONG_FROM_ONE_ADDRESS: readonly string[] = [
  'UnauthenticatedError',
  'UnauthenticatedError',
  'UnauthenticatedError',
  'UnauthenticatedError',
  'TooManyRequestsError',
];
