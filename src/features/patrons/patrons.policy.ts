// Rules about what a patron account may do, as plain functions (tested directly).

/**
 * Why this patron may not check out or place holds right now, in words for the patron and the
 * desk; null when nothing stands in the way.
 */
export function borrowingBlock(
  patron: { card_expires_at: string; block_reason: string | null },
  nowIso: string,
): string | null {
  if (patron.block_reason) return `This card is blocked: ${patron.block_reason}`;
  if (patron.card_expires_at <= nowIso) return 'This card has expired. It can be renewed at any branch desk.';
  return null;
}
