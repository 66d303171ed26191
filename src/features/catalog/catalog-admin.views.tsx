// Staff catalog pages: the record list and lookup, the MARC upload and its summary, a record with
// its copies, and the add/edit copy forms. Server-rendered, no JavaScript.
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
import type { ImportSummary } from './import/import.service.ts';
import { plural, pluralForm } from '../../plural.ts';
import { describedBy, Field, Select, TextInput } from '../../http/fields.tsx';

interface FormState {
  error?: string;
  fields?: FieldErrors;
}

type Branch = { code: string; name: string };

const formatLabel = (f: string) => formatLabels[f as FormatCode] ?? f;
const statusLabel = (s: string) => s.replace(/_/g, ' ');

/** A labelled select with its hint and error tied to it, like Field. */
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

export interface ImportFormValues {
  branch?: string;
  items?: boolean;
  encoding?: string;
}

export function ImportPage({
  library,
  actor,
  csrfToken,
  error,
  fields,
  values,
  branches,
  maxMegabytes,
}: PageFrame & FormState & { values: ImportFormValues; branches: Branch[]; maxMegabytes: number }) {
  return (
    <Layout title="Import MARC records" library={library} actor={actor} csrfToken={csrfToken} staffArea>
      <h1>Import MARC records</h1>
      <p>
        MARC 21 bibliographic records in ISO 2709 (<code>.mrc</code>) or MARCXML, in MARC-8 or UTF-8. A record
        whose control number is already in the catalog is updated. Authority and holdings records are skipped
        and counted. Up to {maxMegabytes} MB per upload; use <code>carrel catalog import</code> for larger
        files.
      </p>
      <ErrorSummary message={error} fields={fields} />
      <form
        method="post"
        action="/staff/catalog/import"
        enctype="multipart/form-data"
        class="stack"
        novalidate
      >
        <CsrfField token={csrfToken!} />
        <Field name="file" label="MARC file" error={fields?.file}>
          <input
            id="file"
            name="file"
            type="file"
            accept=".mrc,.marc,.xml,.dat,application/marc,application/xml"
            aria-invalid={fields?.file ? 'true' : undefined}
            aria-describedby={describedBy('file', undefined, fields?.file)}
            required
          />
        </Field>
        <div class="field checks">
          <label>
            <input type="checkbox" name="items" value="on" checked={values.items === true} /> Also add or
            update copies from the 852 and 949 holdings fields
          </label>
        </div>
        <Select
          name="branch"
          label="Branch for copies"
          hint="Used for copies whose holdings field names none of the library's branches."
          value={values.branch ?? ''}
          error={fields?.branch}
          options={[
            ['', 'None: such copies are reported, not added'],
            ...branches.map((b): [string, string] => [b.code, `${b.name} (${b.code})`]),
          ]}
        />
        <Select
          name="encoding"
          label="Character encoding"
          hint="Automatic follows each record's leader and recognises UTF-8 records that claim to be MARC-8."
          value={values.encoding ?? 'auto'}
          error={fields?.encoding}
          options={[
            ['auto', 'Automatic'],
            ['marc-8', 'MARC-8 for every record'],
            ['utf-8', 'UTF-8 for every record'],
          ]}
        />
        <button type="submit">Import</button>
      </form>
    </Layout>
  );
}

export function ImportSummaryPage({
  library,
  actor,
  csrfToken,
  summary,
  fileName,
}: PageFrame & { summary: ImportSummary; fileName: string }) {
  const skippedTotal = Object.values(summary.skipped).reduce((a, b) => a + b, 0);
  return (
    <Layout title="Import finished" library={library} actor={actor} csrfToken={csrfToken} staffArea>
      <h1>Import finished</h1>
      <Notice>
        {fileName}: {plural(summary.read, 'record')} read, {summary.imported} new, {summary.updated} updated,{' '}
        {skippedTotal} skipped.
      </Notice>
      <dl class="facts">
        <dt>Records read</dt>
        <dd>{summary.read}</dd>
        <dt>New records</dt>
        <dd>{summary.imported}</dd>
        <dt>Updated records</dt>
        <dd>{summary.updated}</dd>
        <dt>Skipped records</dt>
        <dd>
          {skippedTotal}
          {skippedTotal > 0 && (
            <ul>
              {Object.entries(summary.skipped).map(([reason, count]) => (
                <li key={reason}>
                  {reason}: {count}
                </li>
              ))}
            </ul>
          )}
        </dd>
        <dt>Copies</dt>
        <dd>
          {summary.items.created} added, {summary.items.updated} updated, {summary.items.skipped} not added
        </dd>
      </dl>
      {summary.problems.length > 0 && (
        <>
          <h2>Records and copies not imported</h2>
          <ScrollRegion label="Records and copies not imported">
            <table>
              <caption>
                {summary.problems.length} listed
                {summary.problemsNotListed > 0 && `, ${summary.problemsNotListed} more not listed`}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Record</th>
                  <th scope="col">Position</th>
                  <th scope="col">Control number</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {summary.problems.map((p, i) => (
                  <tr key={i}>
                    <td>{p.record}</td>
                    <td>{p.position}</td>
                    <td>{p.controlNumber ?? '—'}</td>
                    <td>{p.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        </>
      )}
      <p>
        <a href="/staff/catalog/import">Import another file</a> · <a href="/staff/catalog">Catalog records</a>
      </p>
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
