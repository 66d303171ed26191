// Words for people instead of codes: formats, MARC language codes, copy statuses, decades.
import type { ItemStatus } from '../catalog.table.ts';

const formatLabels: Record<string, string> = {
  book: 'Book',
  'large-print': 'Large print',
  ebook: 'E-book',
  'audio-book': 'Audiobook',
  audiobook: 'Audiobook',
  'music-recording': 'Music recording',
  'sound-recording': 'Sound recording',
  music: 'Printed music',
  score: 'Printed music',
  video: 'Video',
  dvd: 'DVD',
  map: 'Map',
  serial: 'Magazine or journal',
  periodical: 'Magazine or journal',
  manuscript: 'Manuscript',
  software: 'Computer file',
  'computer-file': 'Computer file',
  kit: 'Kit',
  image: 'Image',
  'mixed-materials': 'Mixed materials',
  other: 'Other',
};

/** "music-recording" → "Music recording"; unknown codes are tidied, not hidden. */
export function formatLabel(code: string): string {
  const known = formatLabels[code];
  if (known) return known;
  const words = code.replace(/[-_]+/g, ' ').trim();
  return words ? words[0]?.toUpperCase() + words.slice(1) : 'Unknown';
}

const languageLabels: Record<string, string> = {
  ara: 'Arabic',
  chi: 'Chinese',
  cze: 'Czech',
  dan: 'Danish',
  dut: 'Dutch',
  eng: 'English',
  fin: 'Finnish',
  fre: 'French',
  ger: 'German',
  gre: 'Greek',
  heb: 'Hebrew',
  hin: 'Hindi',
  hun: 'Hungarian',
  ita: 'Italian',
  jpn: 'Japanese',
  kor: 'Korean',
  lat: 'Latin',
  nor: 'Norwegian',
  pol: 'Polish',
  por: 'Portuguese',
  rus: 'Russian',
  spa: 'Spanish',
  swe: 'Swedish',
  tur: 'Turkish',
  ukr: 'Ukrainian',
  vie: 'Vietnamese',
  yid: 'Yiddish',
  mul: 'Multiple languages',
  und: 'Undetermined',
  zxx: 'No linguistic content',
};

export function languageLabel(code: string): string {
  return languageLabels[code] ?? code;
}

const statusLabels: Record<ItemStatus, string> = {
  available: 'Available',
  on_loan: 'Checked out',
  in_transit: 'In transit',
  on_hold_shelf: 'On hold shelf',
  lost: 'Lost',
  damaged: 'Damaged',
  missing: 'Missing',
};

export function statusLabel(status: ItemStatus): string {
  return statusLabels[status] ?? 'Unavailable';
}

export const decadeLabel = (decade: number): string => `${decade}–${decade + 9}`;
