// G4: text that may reach a log (error messages, job errors) is scrubbed of anything personal —
// e-mail addresses, IP addresses, long digit runs (card numbers, PINs, phones), and the values
// PostgreSQL quotes in constraint errors ("Key (x)=(value)").
const patterns: Array<[RegExp, string]> = [
  [/[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[^\s@<>()"',;:]+/g, '[email]'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}\b/g, '[ip]'],
  [/\b(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{0,4}\b/gi, '[ip]'],
  [/\)=\([^)]*\)/g, ')=([value])'],
  [/\d{4,}/g, '[digits]'],
];

export function scrubForLog(text: string, max = 500): string {
  let out = text;
  for (const [re, repl] of patterns) out = out.replace(re, repl);
  return out.length > max ? `${out.slice(0, max)}…` : out;
}
