// Data inventory entries for the catalog (G1): bibliographic records and items hold no personal data.
import type { TableEntry } from '../../privacy/inventory.ts';

export function catalogInventory(): TableEntry[] {
  return [
    {
      table: 'bib_records',
      description: 'The catalog: one bibliographic record per title, imported from MARC.',
      primaryKey: 'id',
      columns: {
        id: { personal: false, description: 'Identifier of the record.' },
        control_number: { personal: false, description: "The record's MARC control number (001)." },
        title: { personal: false, description: 'Title and statement of responsibility.' },
        author: { personal: false, description: 'Main author or creator.' },
        format: { personal: false, description: 'Format, e.g. book, DVD, music recording.' },
        language: { personal: false, description: 'Language code.' },
        pub_year: { personal: false, description: 'Year of publication.' },
        publisher: { personal: false, description: 'Publisher.' },
        isbn: { personal: false, description: 'ISBNs.' },
        issn: { personal: false, description: 'ISSNs.' },
        subjects: { personal: false, description: 'Subject headings.' },
        series: { personal: false, description: 'Series.' },
        notes: { personal: false, description: 'Notes, contents and summary.' },
        marc: { personal: false, description: 'The full MARC record.' },
        search_doc: {
          personal: false,
          description: 'Words of the record prepared for catalog search (PostgreSQL only).',
          onlyIn: 'postgres',
        },
        created_at: { personal: false, description: 'When the record was first imported.' },
        updated_at: { personal: false, description: 'When the record was last imported or changed.' },
      },
      retention: [],
    },
    {
      table: 'items',
      description: 'Copies of catalog records: barcode, call number, branch and status.',
      primaryKey: 'id',
      columns: {
        id: { personal: false, description: 'Identifier of the copy.' },
        bib_id: { personal: false, description: 'The record the copy belongs to.' },
        barcode: { personal: false, description: 'Barcode on the copy.' },
        call_number: { personal: false, description: 'Shelf mark.' },
        branch_code: { personal: false, description: 'Branch that owns the copy.' },
        location: { personal: false, description: 'Shelving location within the branch.' },
        material_type: { personal: false, description: 'Material type used by loan rules.' },
        status: {
          personal: false,
          description: 'Available, on loan, in transit, on the hold shelf, lost, damaged or missing.',
        },
        transit_to: {
          personal: false,
          description: 'Branch an item in transit is going to, or whose hold shelf it is on.',
        },
        created_at: { personal: false, description: 'When the copy was added.' },
        updated_at: { personal: false, description: 'When the copy last changed.' },
      },
      retention: [],
    },
  ];
}
