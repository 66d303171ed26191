// The intake page any staff member uses when law enforcement comes to the desk, and the page after
// it that says what to do and say (issue 15 item 1; L1). The second page names no case and links to
// none: the person at the desk records the visit and hands it on, nothing more.
import type { FieldErrors } from '../../errors.ts';
import { controlAttributes, Field, FieldError, Select, TextArea, TextInput } from '../../http/fields.tsx';
import { CsrfField, ErrorSummary, Layout, type PageFrame } from '../../http/layout.tsx';
import { idChecks } from './legal-intake.schemas.ts';
import { instrumentLabels, instruments, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS } from './legal.schemas.ts';

export const INTAKE_PATH = '/staff/legal/new';
export const RECORDED_PATH = '/staff/legal/recorded';

/** What to say to the visitor, word for word. */
export const WHAT_TO_SAY =
  'The library’s privacy officer will respond. I cannot search or give out any patron information.';

function WhatToSay() {
  return (
    <>
      <p>Say to the visitor:</p>
      <blockquote class="notice say">
        <p>“{WHAT_TO_SAY}”</p>
      </blockquote>
    </>
  );
}

function DoNot() {
  return (
    <ul>
      <li>Do not search for the patron or for any record, in Carrel or anywhere else.</li>
      <li>Do not copy, print or hand over any patron information.</li>
      <li>Do not tell the patron, or anyone outside the privacy officer and counsel, about the request.</li>
      <li>
        If they show a search warrant and will not wait, do not stand in their way: call your supervisor and
        the privacy officer at once.
      </li>
    </ul>
  );
}

export function IntakePage(
  p: PageFrame & { values: Record<string, string>; error?: string; fields?: FieldErrors },
) {
  const v = p.values;
  const f = p.fields ?? {};
  const when = controlAttributes({ name: 'arrivedAt', label: '', error: f.arrivedAt });
  return (
    <Layout
      title="Law enforcement request"
      library={p.library}
      actor={p.actor ?? null}
      csrfToken={p.csrfToken}
      staffArea
    >
      <h1>Law enforcement at the desk</h1>
      <p>
        Record who came and what they asked for. The privacy officer and counsel take it from here.{' '}
        <strong>Do not search for or give out any patron information.</strong>
      </p>
      <WhatToSay />
      <ErrorSummary message={p.error} fields={f} />
      <form method="post" action={INTAKE_PATH} class="stack" enctype="multipart/form-data" novalidate>
        <CsrfField token={p.csrfToken ?? ''} />
        <fieldset aria-describedby={f.instrument ? 'instrument-error' : undefined}>
          <legend>What do they say they have?</legend>
          <FieldError id="instrument" error={f.instrument} />
          {instruments.map((i, n) => (
            <div class="field" key={i}>
              <label>
                <input
                  type="radio"
                  name="instrument"
                  id={n === 0 ? 'instrument' : `instrument-${n}`}
                  value={i}
                  checked={v.instrument === i}
                />{' '}
                {instrumentLabels[i]}
              </label>
            </div>
          ))}
        </fieldset>
        <TextInput
          name="visitorName"
          label="Visitor’s name"
          value={v.visitorName}
          autocomplete="off"
          error={f.visitorName}
          required
        />
        <TextInput
          name="agency"
          label="Agency"
          value={v.agency}
          autocomplete="off"
          error={f.agency}
          required
        />
        <TextInput
          name="idShown"
          label="Badge number or ID shown"
          value={v.idShown}
          autocomplete="off"
          error={f.idShown}
          required
        />
        <Select
          name="idCheck"
          label="How the ID was checked"
          options={Object.entries(idChecks)}
          value={v.idCheck}
          empty="Choose one"
          error={f.idCheck}
          required
        />
        <Field
          name="arrivedAt"
          label="When they came"
          hint="Date and time, library time."
          error={f.arrivedAt}
        >
          <input
            id={when.id}
            name={when.name}
            type="datetime-local"
            value={v.arrivedAt}
            required
            aria-invalid={when.invalid}
            aria-describedby={['arrivedAt-hint', f.arrivedAt && 'arrivedAt-error'].filter(Boolean).join(' ')}
          />
        </Field>
        <TextArea
          name="request"
          label="What they ask for"
          hint="In their words, as exactly as you can."
          value={v.request}
          rows={6}
          error={f.request}
          required
        />
        <Field
          name="files"
          label="Scans or photos of their papers (optional)"
          hint={`If they let you: PDF, JPEG or PNG, up to ${MAX_ATTACHMENT_BYTES / (1024 * 1024)} MB each, at most ${MAX_ATTACHMENTS} files. If the form comes back with a message, choose the files again.`}
          error={f.files}
        >
          <input
            id="files"
            name="files"
            type="file"
            multiple
            accept="application/pdf,image/jpeg,image/png"
            aria-invalid={f.files ? 'true' : undefined}
            aria-describedby={['files-hint', f.files && 'files-error'].filter(Boolean).join(' ')}
          />
        </Field>
        <p class="hint">Keep any papers they leave with you and give them to the privacy officer.</p>
        <div>
          <button type="submit">Record the visit</button>
        </div>
      </form>
    </Layout>
  );
}

/** After the visit is recorded: what to do and say, who was told. No case, no link to one. */
export function RecordedPage(p: PageFrame & { notified: number }) {
  return (
    <Layout
      title="Visit recorded"
      library={p.library}
      actor={p.actor ?? null}
      csrfToken={p.csrfToken}
      staffArea
    >
      <h1>The visit is recorded</h1>
      <WhatToSay />
      <h2>What to do now</h2>
      <DoNot />
      <h2>Who was told</h2>
      {p.notified > 0 ? (
        <p>
          Carrel sent an e-mail to the privacy officer and counsel ({p.notified}{' '}
          {p.notified === 1 ? 'address' : 'addresses'}). It says only that a request was recorded. You do not
          need to do anything else in Carrel.
        </p>
      ) : (
        <p>
          <strong>Nobody could be told by e-mail</strong>: no address is set for the privacy officer or
          counsel. Tell your supervisor now, so that they call the privacy officer.
        </p>
      )}
      <p>
        <a href="/staff">Back to staff home</a>
      </p>
    </Layout>
  );
}
