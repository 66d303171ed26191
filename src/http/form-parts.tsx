// A date formatter the patron pages share with the staff pages. The form fields are in fields.tsx.

/** A date (no time) in the library's time zone. */
export function formatDate(isoText: string | null | undefined, timeZone: string): string {
  if (!isoText) return '—';
  return new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone }).format(new Date(isoText));
}
