// The signed-in patron, as routes and services see it (set by the patron-session hook).
export interface PatronActor {
  kind: 'patron';
  id: string;
  name: string;
  sessionId: string;
  /** The patron said "I am on a public computer" (A4): shorter idle time-out. */
  publicTerminal: boolean;
  /** Staff issued a one-time PIN: the patron must choose a new one before anything else. */
  mustChangePin: boolean;
}
