// What the inbound side may log: outcomes and counts only, never an address, a subject, a body or a
// client IP (G4). Error messages are not logged either, since a server's reply or a parser's
// complaint can quote any of those; the error's code or class name is enough to act on.

/** The few pino methods the inbound side uses. */
export interface InboundLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** An error's code or class name: never its message. */
export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' || typeof code === 'number') return String(code);
  return err instanceof Error ? err.name : 'unknown';
}
