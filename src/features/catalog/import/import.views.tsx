// The MARC upload page and the summary of a finished import, for administrators.
// Server-rendered, no JavaScript.
import {
  CsrfField,
  ErrorSummary,
  Layout,
  Notice,
  ScrollRegion,
  type PageFrame,
} from '../../../http/layout.tsx';
import { describedBy, Field, Select } from '../../../http/fields.tsx';
import { plural } from '../../../plural.ts';
import type { Branch, FormState } from '../catalog-admin.views.tsx';
import type { ImportSummary } from './import.service.ts';

/** The upload form's choices, shown again after a refusal. */
export interface ImportFormValues {
  branch?: string;
  items?: boolean;
  encoding?: string;
}

/** The MARC upload form, with what was chosen and the refusal's messages when it is shown again. */
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

/** What an import did: records read, new, updated and skipped, copies, and each problem listed. */
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
