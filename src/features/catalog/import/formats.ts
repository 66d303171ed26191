// Carrel's format codes (what a record is, shown and faceted in the catalog) and material type
// codes (what a copy is, used by the loan rules in config/library.json), and how one is derived
// from the other. Derived from leader/06-07, 007 and 008 as MARC 21 defines them.
import type { MarcRecord } from '../marc/record.ts';

export const formatCodes = [
  'book',
  'large-print',
  'ebook',
  'serial',
  'score',
  'map',
  'video',
  'music-recording',
  'audiobook',
  'visual',
  'computer-file',
  'kit',
  'object',
  'mixed-materials',
] as const;
export type FormatCode = (typeof formatCodes)[number];

/** Names people read, for pages and documentation. */
export const formatLabels: Record<FormatCode, string> = {
  book: 'Book',
  'large-print': 'Large print',
  ebook: 'E-book',
  serial: 'Magazine or journal',
  score: 'Music score',
  map: 'Map',
  video: 'Video (DVD, Blu-ray)',
  'music-recording': 'Music recording',
  audiobook: 'Audiobook or spoken word',
  visual: 'Picture or visual material',
  'computer-file': 'Software or computer file',
  kit: 'Kit',
  object: 'Object',
  'mixed-materials': 'Mixed materials',
};

/** Material types of copies; the loan rules refer to these codes. */
export const materialTypes = [
  'book',
  'ebook',
  'magazine',
  'score',
  'map',
  'dvd',
  'music-cd',
  'audiobook',
  'visual',
  'software',
  'kit',
  'object',
  'dvd-mature',
  'reference',
] as const;
export type MaterialType = (typeof materialTypes)[number];

/** The material type a new copy of a record of this format gets unless told otherwise. */
export const materialTypeForFormat: Record<FormatCode, MaterialType> = {
  book: 'book',
  'large-print': 'book',
  ebook: 'ebook',
  serial: 'magazine',
  score: 'score',
  map: 'map',
  video: 'dvd',
  'music-recording': 'music-cd',
  audiobook: 'audiobook',
  visual: 'visual',
  'computer-file': 'software',
  kit: 'kit',
  object: 'object',
  'mixed-materials': 'kit',
};

/** Item-type words seen in holdings fields (949 $t and the like) that name a material type. */
const itemTypeAliases: Record<string, MaterialType> = {
  book: 'book',
  books: 'book',
  dvd: 'dvd',
  dvds: 'dvd',
  video: 'dvd',
  bluray: 'dvd',
  'blu-ray': 'dvd',
  magazine: 'magazine',
  magazines: 'magazine',
  periodical: 'magazine',
  periodicals: 'magazine',
  serial: 'magazine',
  cd: 'music-cd',
  'music-cd': 'music-cd',
  score: 'score',
  scores: 'score',
  map: 'map',
  maps: 'map',
  audiobook: 'audiobook',
  'audio-book': 'audiobook',
  reference: 'reference',
};

/** A material type from an item-type word, or undefined when the word means nothing to Carrel. */
export function materialTypeFromItemType(word: string | undefined): MaterialType | undefined {
  if (!word) return undefined;
  const w = word.trim().toLowerCase();
  return (materialTypes as readonly string[]).includes(w) ? (w as MaterialType) : itemTypeAliases[w];
}

const controlField = (r: MarcRecord, tag: string): string[] =>
  r.fields.filter((f) => f.tag === tag && f.value !== undefined).map((f) => f.value!);

/** The format of a bibliographic record, from leader/06 (type) and /07 (level), 007 and 008. */
export function formatOf(r: MarcRecord): FormatCode {
  const type = r.leader[6] ?? '';
  const level = r.leader[7] ?? '';
  const f008 = controlField(r, '008')[0] ?? '';
  const f007 = controlField(r, '007');
  switch (type) {
    case 'a':
    case 't': {
      if (level === 's' || level === 'b' || level === 'i') return 'serial';
      // 008/23 form of item: o online, s electronic; q direct electronic; d large print.
      const form = f008[23];
      if (form === 'o' || form === 's' || form === 'q' || f007.some((v) => v[0] === 'c')) return 'ebook';
      if (form === 'd' || f007.some((v) => v.startsWith('tb'))) return 'large-print';
      return 'book';
    }
    case 'c':
    case 'd':
      return 'score';
    case 'e':
    case 'f':
      return 'map';
    case 'g': {
      // 008/33 type of visual material: v videorecording, m motion picture; s slide, t transparency.
      const visual = f008[33];
      if (visual === 's' || visual === 't' || visual === 'f') return 'visual';
      return 'video';
    }
    case 'i':
      return 'audiobook';
    case 'j':
      return 'music-recording';
    case 'k':
      return 'visual';
    case 'm':
      return 'computer-file';
    case 'o':
      return 'kit';
    case 'p':
      return 'mixed-materials';
    case 'r':
      return 'object';
    default:
      return 'book';
  }
}
