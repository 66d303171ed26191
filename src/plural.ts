// Counted words in English, chosen by Intl.PluralRules rather than by hand ("1 copy", "2 copies",
// "Please wait 1 second"), so that no message says "1 copies" or "1 record(s)" (issue 12 item 17).
const rules = new Intl.PluralRules('en-US');

/** The form of a word or phrase for a count: `one` for 1, `other` (default `one` + "s") otherwise. */
export function pluralForm(count: number, one: string, other = `${one}s`): string {
  return rules.select(count) === 'one' ? one : other;
}

/** A count, written with thousands separators, and its word: "1 copy", "1,200 records". */
export function plural(count: number, one: string, other = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${pluralForm(count, one, other)}`;
}
