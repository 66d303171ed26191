// Staff pages of the reference desk: the queue with a tab per status, a question with its thread,
// notes and forms, reference statistics (G7 suppression by the chart components) and the FAQ list.
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
import { BarChart, SeriesChart } from '../../stats/chart.tsx';
import type { FaqEntry } from './reference.faq.ts';
import { categories, categoryLabel, readScale } from './reference.schemas.ts';
import type { QuestionDetail, QueueItem } from './reference-desk.service.ts';
import { channelLabels, statusLabels, type ReferenceStats } from './reference.stats.ts';
import { questionStatuses, type QuestionStatus } from './reference.table.ts';
import { Checkbox, Select, TextArea, TextInput } from '../../http/fields.tsx';

type StaffFrame = PageFrame & { csrfToken: string };

function DeskNav() {
  return (
    <p>
      <a href="/staff/reference">Question queue</a> · <a href="/staff/reference/stats">Statistics</a> ·{' '}
      <a href="/staff/reference/faq">Published FAQ</a>
    </p>
  );
}

export function QueuePage(
  p: StaffFrame & {
    status: QuestionStatus;
    counts: Record<string, number>;
    items: QueueItem[];
    limit: number;
    notice?: string | undefined;
  },
) {
  const tz = p.library.timezone;
  return (
    <Layout title="Reference questions" library={p.library} actor={p.actor} csrfToken={p.csrfToken} staffArea>
      <h1>Reference questions</h1>
      <DeskNav />
      {p.notice && <Notice>{p.notice}</Notice>}
      <nav class="tabs" aria-label="Questions by status">
        <ul>
          {questionStatuses.map((s) => (
            <li key={s}>
              <a href={`/staff/reference?status=${s}`} aria-current={s === p.status ? 'page' : undefined}>
                {statusLabels[s]} ({p.counts[s] ?? 0})
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <h2>{statusLabels[p.status]}</h2>
      {p.items.length === 0 ? (
        <p>No questions here.</p>
      ) : (
        <ScrollRegion label={`${statusLabels[p.status]} questions`}>
          <table>
            <thead>
              <tr>
                <th scope="col">Question</th>
                <th scope="col">Asked</th>
                <th scope="col">Last message</th>
                <th scope="col">By</th>
                <th scope="col">Category</th>
                <th scope="col">Claimed by</th>
              </tr>
            </thead>
            <tbody>
              {p.items.map((q) => (
                <tr key={q.id}>
                  <td>
                    <a href={`/staff/reference/${q.id}`}>{q.preview || '(no text)'}</a>
                  </td>
                  <td>{formatDateTime(q.createdAt, tz)}</td>
                  <td>{formatDateTime(q.lastActivityAt, tz)}</td>
                  <td>{channelLabels[q.channel] ?? q.channel}</td>
                  <td>{q.category ? categoryLabel(q.category) : '—'}</td>
                  <td>{q.claimedByName ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      {p.items.length >= p.limit && <p class="small">Showing the first {p.limit}.</p>}
    </Layout>
  );
}

/** The form that failed, so it alone shows its errors and the values that were typed. */
export interface FailedForm {
  form: 'reply' | 'note' | 'classify' | 'faq';
  values: Record<string, string>;
  fields: FieldErrors;
}

const effortOptions = readScale.map(([level, text]) => [String(level), `${level} — ${text}`] as const);

export function QuestionPage(
  p: StaffFrame & {
    q: QuestionDetail;
    notice?: string | undefined;
    error?: string | undefined;
    failed?: FailedForm | undefined;
    faqDraft?: { question: string; answer: string; category: string } | undefined;
  },
) {
  const { q } = p;
  const tz = p.library.timezone;
  const open = q.scrubbedAt === null && q.status !== 'closed';
  const failed = (form: FailedForm['form']) => (p.failed?.form === form ? p.failed : undefined);
  const reply = failed('reply');
  const note = failed('note');
  const classify = failed('classify');
  const faq = failed('faq');
  const action = (what: string) => `/staff/reference/${q.id}/${what}`;
  return (
    <Layout title="Reference question" library={p.library} actor={p.actor} csrfToken={p.csrfToken} staffArea>
      <h1>Question asked {formatDateTime(q.createdAt, tz)}</h1>
      <DeskNav />
      {p.notice && <Notice>{p.notice}</Notice>}
      <ErrorSummary message={p.error} fields={p.failed?.fields} />
      <dl class="facts">
        <dt>Status</dt>
        <dd>{statusLabels[q.status] ?? q.status}</dd>
        <dt>Arrived by</dt>
        <dd>{channelLabels[q.channel] ?? q.channel}</dd>
        <dt>Reply address</dt>
        <dd>{q.replyTo ?? 'Removed (scrubbed)'}</dd>
        <dt>State, ZIP</dt>
        <dd>
          {q.region ?? '—'}, {q.zip ?? (q.zip3 ? `${q.zip3}xx` : '—')}
        </dd>
        <dt>Claimed</dt>
        <dd>{q.claimedByMe ? 'By you' : q.isClaimed ? 'By a colleague' : 'No'}</dd>
      </dl>
      {q.scrubbedAt && (
        <div class="notice" role="status">
          <p>
            This question was closed and scrubbed on {formatDateTime(q.scrubbedAt, tz)}: the reply address,
            the sender's name, the full ZIP code and the notes were removed, and names, e-mail addresses,
            phone and card numbers in the texts were replaced. It can no longer be answered.
          </p>
        </div>
      )}
      {open && (
        <div class="actions">
          {!q.claimedByMe ? (
            <form method="post" action={action('claim')} class="inline">
              <CsrfField token={p.csrfToken} />
              <button type="submit">{q.isClaimed ? 'Take over' : 'Claim'}</button>
            </form>
          ) : (
            <form method="post" action={action('unclaim')} class="inline">
              <CsrfField token={p.csrfToken} />
              <button type="submit" class="secondary">
                Unclaim
              </button>
            </form>
          )}
        </div>
      )}

      <h2>Messages</h2>
      {q.messages.map((m) => (
        <article key={m.id} class={m.direction === 'out' ? 'thread-message from-library' : 'thread-message'}>
          <h3>
            {m.direction === 'out' ? 'Library' : 'Patron'}, {formatDateTime(m.createdAt, tz)}
          </h3>
          <p class="prewrap">{m.body}</p>
        </article>
      ))}

      {open && (
        <section>
          <h2>Answer</h2>
          <form method="post" action={action('reply')} class="stack" novalidate>
            <CsrfField token={p.csrfToken} />
            <TextArea
              name="body"
              label="Answer (sent by e-mail to the reply address)"
              value={reply?.values.body}
              error={reply?.fields.body}
              rows={10}
              required
            />
            <Checkbox
              name="waiting"
              label="Waiting for the patron (we asked them something)"
              checked={reply?.values.waiting === 'on'}
            />
            <button type="submit">Send answer</button>
          </form>
        </section>
      )}

      {open && (
        <section>
          <h2>Internal notes</h2>
          <p class="small">Only staff see notes. They are deleted when the question is closed.</p>
          {q.notes.length === 0 && <p>No notes.</p>}
          {q.notes.map((n) => (
            <div key={n.id} class="thread-message">
              <p class="small">
                {n.staffName ?? 'Staff'}, {formatDateTime(n.createdAt, tz)}
              </p>
              <p class="prewrap">{n.body}</p>
            </div>
          ))}
          <form method="post" action={action('note')} class="stack" novalidate>
            <CsrfField token={p.csrfToken} />
            <TextArea
              name="note"
              label="Add a note"
              value={note?.values.note}
              error={note?.fields.note}
              rows={3}
              required
            />
            <button type="submit" class="secondary">
              Add note
            </button>
          </form>
        </section>
      )}

      <section>
        <h2>Category and effort</h2>
        <form method="post" action={action('classify')} class="stack" novalidate>
          <CsrfField token={p.csrfToken} />
          <Select
            name="category"
            label="Category"
            options={categories}
            value={classify?.values.category ?? q.category ?? ''}
            error={classify?.fields.category}
            empty="Not categorized"
          />
          <Select
            name="effort"
            label="Effort (READ scale)"
            options={effortOptions}
            value={classify?.values.effort ?? (q.effort === null ? '' : String(q.effort))}
            error={classify?.fields.effort}
            empty="Not rated"
          />
          <button type="submit" class="secondary">
            Save category and effort
          </button>
        </form>
      </section>

      {open && (
        <section>
          <h2>Close</h2>
          <p>
            Closing removes the reply address, names and the full ZIP code, deletes the notes and redacts the
            texts at once. The question can no longer be answered afterwards.
          </p>
          <form method="post" action={action('close')} class="inline">
            <CsrfField token={p.csrfToken} />
            <button type="submit" class="danger">
              Close and scrub
            </button>
          </form>
        </section>
      )}

      {q.scrubbedAt && (
        <section>
          <h2>Publish as an FAQ entry</h2>
          <p>
            Edit the texts so that they identify no one: no names, places or details only the asker would
            share. Carrel refuses entries in which it still finds e-mail addresses, phone or card numbers, or
            names.
          </p>
          <form method="post" action={action('faq')} class="stack" novalidate>
            <CsrfField token={p.csrfToken} />
            <TextArea
              name="question"
              label="Question"
              value={faq?.values.question ?? p.faqDraft?.question}
              error={faq?.fields.question}
              rows={5}
              required
            />
            <TextArea
              name="answer"
              label="Answer"
              value={faq?.values.answer ?? p.faqDraft?.answer}
              error={faq?.fields.answer}
              rows={8}
              required
            />
            <Select
              name="faqCategory"
              label="FAQ category"
              options={categories}
              value={faq?.values.faqCategory ?? p.faqDraft?.category ?? q.category ?? ''}
              error={faq?.fields.faqCategory}
              empty="Not categorized"
            />
            <Checkbox
              name="confirm"
              label="I confirm this entry identifies no one."
              checked={faq?.values.confirm === 'on'}
              error={faq?.fields.confirm}
            />
            <button type="submit">Publish</button>
          </form>
        </section>
      )}
    </Layout>
  );
}

export function ReferenceStatsPage(
  p: StaffFrame & {
    stats: ReferenceStats | null;
    values: { from?: string | undefined; to?: string | undefined };
    error?: string | undefined;
    fields?: FieldErrors | undefined;
  },
) {
  const s = p.stats;
  const range = s ? `${s.from} to ${s.to}` : '';
  return (
    <Layout
      title="Reference statistics"
      library={p.library}
      actor={p.actor}
      csrfToken={p.csrfToken}
      staffArea
    >
      <h1>Reference statistics</h1>
      <DeskNav />
      <p>
        Questions by the month they were asked (UTC). Counts from 1 to {s?.k ?? 'k'} are shown as “
        {s?.k ?? 'k'} or fewer”, totals too, so nobody can be singled out (G7).
      </p>
      <ErrorSummary message={p.error} fields={p.fields} />
      <form method="get" action="/staff/reference/stats" class="inline-form">
        <TextInput name="from" label="First month (YYYY-MM)" value={p.values.from} error={p.fields?.from} />
        <TextInput name="to" label="Last month (YYYY-MM)" value={p.values.to} error={p.fields?.to} />
        <button type="submit" class="secondary">
          Show
        </button>
      </form>
      {s && (
        <>
          <h2>{range}</h2>
          <p>
            <a href={`/staff/reference/stats.csv?from=${s.from}&to=${s.to}`} download>
              Download as CSV
            </a>{' '}
            (per month, for every breakdown below)
          </p>
          <SeriesChart
            title="Questions per month by channel"
            id="per-month"
            unit="questions"
            categories={s.months}
            series={s.perMonth}
            k={s.k}
            caption={range}
            labelHeading="Month"
          />
          <BarChart
            title="Questions by category"
            id="by-category"
            unit="questions"
            rows={s.totals.category}
            k={s.k}
            caption={range}
          />
          <BarChart
            title="Questions by effort (READ scale)"
            id="by-effort"
            unit="questions"
            rows={s.totals.effort}
            k={s.k}
            caption={range}
            labelHeading="Effort"
          />
          <BarChart
            title="Questions by status"
            id="by-status"
            unit="questions"
            rows={s.totals.status}
            k={s.k}
            caption={range}
            labelHeading="Status"
          />
          <BarChart
            title="Questions by state"
            id="by-state"
            unit="questions"
            rows={s.totals.state}
            k={s.k}
            caption={range}
            labelHeading="State"
          />
          <BarChart
            title="Questions by ZIP3 (first three digits of the ZIP code)"
            id="by-zip3"
            unit="questions"
            rows={s.totals.zip3}
            k={s.k}
            caption={range}
            labelHeading="ZIP3"
          />
        </>
      )}
    </Layout>
  );
}

export function FaqAdminPage(
  p: StaffFrame & {
    groups: Array<{ category: string; entries: FaqEntry[] }>;
    notice?: string | undefined;
    error?: string | undefined;
  },
) {
  return (
    <Layout title="Published FAQ" library={p.library} actor={p.actor} csrfToken={p.csrfToken} staffArea>
      <h1>Published FAQ</h1>
      <DeskNav />
      {p.notice && <Notice>{p.notice}</Notice>}
      {p.error && <ErrorSummary message={p.error} />}
      <p>
        Entries are made from closed questions (open one and use “Publish as an FAQ entry”). The public page
        is <a href="/ask/faq">/ask/faq</a>.
      </p>
      {p.groups.length === 0 && <p>Nothing is published.</p>}
      {p.groups.map((g) => (
        <section key={g.category}>
          <h2>{g.category}</h2>
          {g.entries.map((e) => (
            <article key={e.id} class="thread-message">
              <p class="prewrap">
                <strong>{e.question}</strong>
              </p>
              <p class="prewrap">{e.answer}</p>
              <form method="post" action={`/staff/reference/faq/${e.id}/delete`} class="inline">
                <CsrfField token={p.csrfToken} />
                <button type="submit" class="secondary">
                  Unpublish
                </button>
              </form>
            </article>
          ))}
        </section>
      ))}
    </Layout>
  );
}
