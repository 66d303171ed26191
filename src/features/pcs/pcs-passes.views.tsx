// Guest passes (issue 14 item 5): the form, and the printable sheet of today's codes. The codes are
// on this one answer only: Carrel keeps just a keyed hash of each, so they can never be shown again.
import type { FieldErrors } from '../../errors.ts';
import { Select, TextInput } from '../../http/fields.tsx';
import { CsrfField, ErrorSummary, Layout, type PageFrame } from '../../http/layout.tsx';
import { branchName, PcsNav } from './pcs-staff.view-parts.tsx';

export function PassesFormPage({
  library,
  actor,
  csrfToken = '',
  branch,
  values,
  error,
  fields,
}: PageFrame & {
  branch: string;
  values: Record<string, string>;
  error?: string | undefined;
  fields?: FieldErrors | undefined;
}) {
  return (
    <Layout
      title="Guest passes"
      library={library}
      actor={actor ?? null}
      csrfToken={csrfToken}
      staffArea
      stylesheet="pcs.css"
    >
      <h1>Guest passes</h1>
      <PcsNav library={library} branch={branch} page="passes" />
      <ErrorSummary message={error} fields={fields ?? {}} />
      <p>
        A guest pass lets someone without a card use a computer today. Unused passes stop working at the end
        of the day. The codes are shown once, on the sheet you print next.
      </p>
      <form method="post" action="/staff/pcs/passes">
        <CsrfField token={csrfToken} />
        <Select
          name="branch"
          label="Branch"
          options={library.branches.map((b) => [b.code, b.name] as const)}
          value={values.branch ?? branch}
          error={fields?.branch}
          required
        />
        <TextInput
          name="count"
          label="How many passes"
          hint="From 1 to 200."
          type="number"
          value={values.count ?? '10'}
          error={fields?.count}
          required
        />
        <TextInput
          name="minutes"
          label="Minutes on each pass"
          hint="From 1 to 720."
          type="number"
          value={values.minutes ?? '60'}
          error={fields?.minutes}
          required
        />
        <button type="submit">Make the sheet</button>
      </form>
    </Layout>
  );
}

export function PassSheetPage({
  library,
  actor,
  csrfToken = '',
  branch,
  dayLabel,
  minutes,
  codes,
}: PageFrame & { branch: string; dayLabel: string; minutes: number; codes: string[] }) {
  return (
    <Layout
      title="Guest pass sheet"
      library={library}
      actor={actor ?? null}
      csrfToken={csrfToken}
      staffArea
      stylesheet="pcs.css"
    >
      <div class="no-print">
        <h1>Guest passes for today</h1>
        <div class="error-summary" role="status">
          <h2>Print this page now: the codes are shown once.</h2>
          <p>
            Carrel keeps only a keyed fingerprint of each code, so it cannot show them again. Reloading or
            leaving this page loses them; unused passes stop working at the end of {dayLabel}.
          </p>
        </div>
        <p>
          {codes.length} {codes.length === 1 ? 'pass' : 'passes'} of {minutes} minutes at{' '}
          {branchName(library, branch)}. Use your browser's Print command; each pass prints in its own box to
          cut out.
        </p>
        <p>
          <a href={`/staff/pcs/passes?branch=${encodeURIComponent(branch)}`}>Make another sheet</a>
        </p>
      </div>
      <ul class="pass-sheet" aria-label="Guest passes">
        {codes.map((c) => (
          <li class="pass" key={c}>
            <p>
              <strong>{library.name}</strong> — guest computer pass
            </p>
            <p class="pass-code">{c}</p>
            <p>
              {minutes} minutes · {branchName(library, branch)}
            </p>
            <p>Valid on {dayLabel} only. Sign in at a public computer with this code.</p>
          </li>
        ))}
      </ul>
    </Layout>
  );
}
