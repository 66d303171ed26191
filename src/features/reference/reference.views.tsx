// Public pages of Ask a Librarian: the question form (R1: no name asked), the thank-you page,
// the asker's delete link pages and the public FAQ. No JavaScript; the honeypot field is hidden
// by a class in site.css, never by an inline style (strict CSP).
import type { FieldErrors } from '../../errors.ts';
import { CsrfField, ErrorSummary, Layout, type PageFrame } from '../../http/layout.tsx';
import type { FaqEntry } from './reference.faq.ts';
import { MAX_TEXT, usStates } from './reference.schemas.ts';
import { Select, TextArea, TextInput } from '../../http/fields.tsx';

export interface AskFormProps extends PageFrame {
  csrfToken: string;
  /** The signed render time (reference.guard.ts). */
  renderedAt: string;
  values?: Record<string, string>;
  error?: string | undefined;
  fields?: FieldErrors | undefined;
  /** Shown instead of the form's introduction when the form was refused as a whole. */
  retryAfterMinutes?: number;
}

export function AskPage(p: AskFormProps) {
  const v = p.values ?? {};
  return (
    <Layout title="Ask a Librarian" library={p.library}>
      <h1>Ask a Librarian</h1>
      <p>
        Ask us anything: finding a book, local history, family history, homework help, a fact you need. A
        librarian answers by e-mail, usually within two working days.
      </p>
      <ErrorSummary message={p.error} fields={p.fields} />
      <form method="post" action="/ask" class="stack" novalidate>
        <CsrfField token={p.csrfToken} />
        <input type="hidden" name="renderedAt" value={p.renderedAt} />
        <TextArea
          name="question"
          label="Your question"
          value={v.question}
          error={p.fields?.question}
          hint="Please do not include your card number, PIN, phone number or home address: we do not need them to answer."
          required
          maxLength={MAX_TEXT}
        />
        <TextInput
          name="replyTo"
          label="Your e-mail address"
          type="email"
          value={v.replyTo}
          error={p.fields?.replyTo}
          autocomplete="email"
          hint="We send the answer here. We do not ask for your name."
          required
        />
        <Select
          name="region"
          label="Your state (optional)"
          options={usStates}
          value={v.region}
          error={p.fields?.region}
          empty="Prefer not to say"
          hint="Used only for statistics, never to identify you."
        />
        <TextInput
          name="zip"
          label="Your ZIP code (optional)"
          value={v.zip}
          error={p.fields?.zip}
          autocomplete="postal-code"
          hint="Used for statistics: only its first three digits are kept once your question is closed."
        />
        {/* Left empty by people (it is hidden from them); filled in by robots that fill every field. */}
        <div class="ask-hp" aria-hidden="true">
          <label for="website">Leave this field empty</label>
          <input id="website" name="website" type="text" tabIndex={-1} autocomplete="off" value="" />
        </div>
        <button type="submit">Send my question</button>
      </form>
      <h2>What we keep</h2>
      <p>
        While we work on your question we keep your question, your e-mail address, and the state and ZIP code
        if you give them. When the question is closed — or after a while with no reply — we remove your e-mail
        address, any name, and any e-mail addresses, phone numbers or card numbers typed into the messages.
        What remains is the question and answer text, the dates, a subject category, your state and the first
        three digits of your ZIP code, for statistics. The confirmation e-mail has a link that deletes your
        question at once.
      </p>
      <p>
        <a href="/ask/faq">Frequently asked questions</a> · <a href="/privacy">Privacy policy</a>
      </p>
    </Layout>
  );
}

export function AskThanksPage({ library }: PageFrame) {
  return (
    <Layout title="Thank you for your question" library={library}>
      <h1>Thank you for your question</h1>
      <p role="status">
        We have received it. You will get a confirmation e-mail shortly; a librarian will answer by e-mail,
        usually within two working days. If no confirmation arrives, check your spam folder.
      </p>
      <p>
        <a href="/ask/faq">Frequently asked questions</a> · <a href="/">Home</a>
      </p>
    </Layout>
  );
}

export function DeleteConfirmPage({
  library,
  csrfToken,
  link,
}: PageFrame & { csrfToken: string; link: string }) {
  return (
    <Layout title="Delete your question" library={library}>
      <h1>Delete your question?</h1>
      <p>
        This deletes your question, our answers and your e-mail address at once. It cannot be undone; if you
        still need an answer you can ask again.
      </p>
      <form method="post" action={`/ask/delete/${link}`} class="stack">
        <CsrfField token={csrfToken} />
        <button type="submit" class="danger">
          Delete my question
        </button>
      </form>
      <p>
        <a href="/">Keep it and go to the home page</a>
      </p>
    </Layout>
  );
}

export function DeleteDonePage({ library, alreadyGone }: PageFrame & { alreadyGone: boolean }) {
  return (
    <Layout title="Question deleted" library={library}>
      <h1>{alreadyGone ? 'Nothing left to delete' : 'Your question is deleted'}</h1>
      <p role="status">
        {alreadyGone
          ? 'This question has already been deleted. We hold nothing more about it.'
          : 'Your question, our answers and your e-mail address have been deleted.'}
      </p>
      <p>
        <a href="/ask">Ask another question</a>
      </p>
    </Layout>
  );
}

export function DeleteInvalidPage({ library, message }: PageFrame & { message: string }) {
  return (
    <Layout title="Link cannot be used" library={library}>
      <h1>This link cannot be used</h1>
      <p>{message}</p>
      <p>
        If you cannot find the e-mail, reply to any message about your question and ask us to delete it, or{' '}
        <a href="/contact">contact the library</a>.
      </p>
    </Layout>
  );
}

export function FaqPublicPage({
  library,
  groups,
}: PageFrame & { groups: Array<{ category: string; entries: FaqEntry[] }> }) {
  return (
    <Layout title="Frequently asked questions" library={library}>
      <h1>Frequently asked questions</h1>
      <p>
        Questions our librarians have answered, published with nothing that identifies who asked. Have your
        own? <a href="/ask">Ask a Librarian</a>.
      </p>
      {groups.length === 0 && <p>No questions are published yet.</p>}
      {groups.map((g) => (
        <section key={g.category}>
          <h2>{g.category}</h2>
          {g.entries.map((e) => (
            <article key={e.id} class="faq-entry">
              <h3 class="faq-question">{e.question.split('\n')[0]}</h3>
              {e.question.includes('\n') && (
                <p class="prewrap">{e.question.split('\n').slice(1).join('\n').trim()}</p>
              )}
              <p class="prewrap">{e.answer}</p>
            </article>
          ))}
        </section>
      ))}
    </Layout>
  );
}
