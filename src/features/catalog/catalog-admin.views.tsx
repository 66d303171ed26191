// Staff catalog pages: the record list and lookup, a record with its copies, and the add/edit copy
// forms (the MARC upload and its summary are in import/import.views.tsx). Server-rendered, no JavaScript.
import type { FieldErrors } from '../../errors.ts';
import {
  CsrfField,
  ErrorSummary,
  formatDateTime,
  Layout,
  Notice,
  ScrollRegion,
  type PageFrame,
} from '../../http/layout.tsx';
import type { BibSummary } from './catalog.repository.ts';
import type { StaffItem, StaffRecord } from './catalog.service.ts';
import { editableStatuses } from './catalog.schemas.ts';
import { formatLabels, materialTypes, type FormatCode } from './import/formats.ts';
import { plural, pluralForm } from '../../plural.ts';
import { Select, TextInput } from '../../http/fields.tsx';

/** A refused form's message and per-field messages. */
export interface FormState {
  error?: string;
  fields?: FieldErrors;
}

/** A branch as the forms offer it. */
export type Branch = { code: string; name: string };

const formatLabel = (f: string) => formatLabels[f as FormatCode] ?? f;
const statusLabel = (s: string) => s.replace(/_/g, ' ');

/** The latest changed records, or those a control number or barcode finds. */
export function CatalogListPage({
  library,
  actor,
  csrfToken,
  query,
  records,
  canImport,
}: PageFrame & { query: string; records: BibSummary[]; canImport: boolean }) {
  return (
    <Layout title="Catalog records" library={library} actor={actor} csrfToken={csrfToken} staffArea>
      <h1>Catalog records</h1>
      {canImport && (
        <p>
          <a class="button" href="/staff/catalog/import">
            Import MARC records
          </a>
        </p>
      )}
      <form method="get" action="/staff/catalog" class="stack" role="search">
        <TextInput
          name="q"
          label="Control number or barcode"
          value={query}
          hint="The record's control number (MARC 001) or the barcode of one of its copies."
          autocomplete="off"
        />
        <button type="submit">Look up</button>
      </form>
      <ScrollRegion label="Catalog records">
        <table>
          <caption>
            {query
              ? `${plural(records.length, 'record')} for “${query}”`
              : `The ${records.length} most recently imported or changed ${pluralForm(records.length, 'record')}`}
          </caption>
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Author</th>
              <th scope="col">Format</th>
              <th scope="col">Year</th>
              <th scope="col">Control number</th>
            </tr>
          </thead>
          <tbody>
            {records.map((r) => (
              <tr key={r.id}>
                <td>
                  <a href={`/staff/catalog/records/${r.id}`}>{r.title}</a>
                </td>
                <td>{r.author ?? '—'}</td>
                <td>{formatLabel(r.format)}</td>
                <td>{r.pubYear ?? '—'}</td>
                <td>{r.controlNumber}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    </Layout>
  );
}

function MarcTable({ record }: { record: StaffRecord }) {
  return (
    <ScrollRegion label="MARC record">
      <table class="marc">
        <caption>MARC record</caption>
        <thead>
          <tr>
            <th scope="col">Tag</th>
            <th scope="col">Indicators</th>
            <th scope="col">Content</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>LDR</td>
            <td></td>
            <td>{record.marc.leader}</td>
          </tr>
          {record.marc.fields.map((f, i) => (
            <tr key={i}>
              <td>{f.tag}</td>
              <td>{f.subfields ? `${f.ind1 ?? ' '}${f.ind2 ?? ' '}`.replace(/ /g, '_') : ''}</td>
              <td>{f.value ?? (f.subfields ?? []).map((s) => `$${s.code} ${s.value}`).join(' ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

export function RecordPage({
  library,
  actor,
  csrfToken,
  record,
  items,
  canManage,
  notice,
  timezone,
}: PageFrame & {
  record: StaffRecord;
  items: StaffItem[];
  canManage: boolean;
  notice?: string;
  timezone: string;
}) {
  const facts: Array<[string, string | null | undefined]> = [
    ['Author', record.author],
    ['Format', formatLabel(record.format)],
    ['Language', record.language],
    ['Year', record.pubYear?.toString()],
    ['Publisher', record.publisher],
    ['ISBN', record.isbn],
    ['ISSN', record.issn],
    ['Control number', record.controlNumber],
    ['Last imported or changed', formatDateTime(record.updatedAt, timezone)],
  ];
  const lists: Array<[string, string[]]> = [
    ['Subjects', record.subjects],
    ['Series', record.series],
    ['Notes', record.notes],
  ];
  return (
    <Layout title={record.title} library={library} actor={actor} csrfToken={csrfToken} staffArea>
      <h1>{record.title}</h1>
      {notice && <Notice>{notice}</Notice>}
      <dl class="facts">
        {facts
          .filter(([, v]) => v)
          .map(([k, v]) => (
            <>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </>
          ))}
        {lists
          .filter(([, v]) => v.length > 0)
          .map(([k, v]) => (
            <>
              <dt>{k}</dt>
              <dd>
                <ul>
                  {v.map((line, i) => (
                    <li key={i}>{line}</li>
                  ))}
                </ul>
              </dd>
            </>
          ))}
      </dl>
      <h2>Copies</h2>
      {canManage && (
        <p>
          <a class="button" href={`/staff/catalog/records/${record.id}/items/new`}>
            Add a copy
          </a>
        </p>
      )}
      {items.length === 0 ? (
        <p>No copies yet.</p>
      ) : (
        <ScrollRegion label="Copies">
          <table>
            <caption>{plural(items.length, 'copy', 'copies')}</caption>
            <thead>
              <tr>
                <th scope="col">Barcode</th>
                <th scope="col">Branch</th>
                <th scope="col">Location</th>
                <th scope="col">Call number</th>
                <th scope="col">Material type</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.id}>
                  <td>
                    {canManage ? <a href={`/staff/catalog/items/${i.id}/edit`}>{i.barcode}</a> : i.barcode}
                  </td>
                  <td>{i.branchCode}</td>
                  <td>{i.location ?? '—'}</td>
                  <td>{i.callNumber ?? '—'}</td>
                  <td>{i.materialType}</td>
                  <td>{statusLabel(i.status)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      <h2>Full description</h2>
      <MarcTable record={record} />
      <p>
        <a href="/staff/catalog">Back to catalog records</a>
      </p>
    </Layout>
  );
}

export interface ItemFormValues {
  barcode?: string;
  callNumber?: string;
  branchCode?: string;
  location?: string;
  materialType?: string;
  status?: string;
}

export function ItemFormPage({
  library,
  actor,
  csrfToken,
  error,
  fields,
  record,
  item,
  values,
  branches,
  locked,
}: PageFrame &
  FormState & {
    record: { id: string; title: string };
    /** The copy being edited; absent when adding one. */
    item?: StaffItem;
    values: ItemFormValues;
    branches: Branch[];
    /** Why the copy cannot be edited here (it is moving through circulation). */
    locked?: string;
  }) {
  const title = item ? `Copy ${item.barcode}` : 'Add a copy';
  const action = item
    ? `/staff/catalog/items/${item.id}/edit`
    : `/staff/catalog/records/${record.id}/items/new`;
  return (
    <Layout title={title} library={library} actor={actor} csrfToken={csrfToken} staffArea>
      <h1>{title}</h1>
      <p>
        Of <a href={`/staff/catalog/records/${record.id}`}>{record.title}</a>
      </p>
      {locked ? (
        <Notice>{locked}</Notice>
      ) : (
        <>
          <ErrorSummary message={error} fields={fields} />
          <form method="post" action={action} class="stack" novalidate>
            <CsrfField token={csrfToken!} />
            {!item && (
              <TextInput
                name="barcode"
                label="Barcode"
                value={values.barcode}
                error={fields?.barcode}
                hint="Scan or type the barcode on the copy; it must not be on any other copy."
                autocomplete="off"
                required
              />
            )}
            <TextInput
              name="callNumber"
              label="Call number"
              value={values.callNumber}
              error={fields?.callNumber}
              autocomplete="off"
            />
            <Select
              name="branchCode"
              label="Branch"
              value={values.branchCode}
              error={fields?.branchCode}
              options={branches.map((b): [string, string] => [b.code, `${b.name} (${b.code})`])}
            />
            <TextInput
              name="location"
              label="Shelving location"
              value={values.location}
              error={fields?.location}
              hint="For example: Adult fiction, Children's DVDs."
              autocomplete="off"
            />
            <Select
              name="materialType"
              label="Material type"
              hint="Decides the loan period and limits (the library's loan rules)."
              value={values.materialType}
              error={fields?.materialType}
              options={materialTypes.map((m): [string, string] => [m, m])}
            />
            <Select
              name="status"
              label="Status"
              hint="On loan, in transit and on the hold shelf are set by the circulation desk."
              value={values.status ?? 'available'}
              error={fields?.status}
              options={editableStatuses.map((s): [string, string] => [s, statusLabel(s)])}
            />
            <button type="submit">{item ? 'Save changes' : 'Add copy'}</button>
          </form>
        </>
      )}
      <p>
        <a href={`/staff/catalog/records/${record.id}`}>Back to the record</a>
      </p>
    </Layout>
  );
}

export const catalogNoticeText: Record<string, string> = {
  'item-added': 'The copy was added.',
  'item-saved': 'The copy was saved.',
};
