// The sign-in attack alert on the staff home page and the "Failed sign-ins" page that explains it
// (issue 12 item 7, A3). Every number about the model comes from the rules in auth/throttle.ts, so
// the explanation cannot drift from what the software does. Counts only, never whose (G4).
import { ACCOUNT_RULE, PAIR_RULE, SOURCE_RULE } from '../../auth/throttle.ts';
import type { AlertScope, SignInAttackCounts } from '../../auth/throttle-alerts.ts';
import { DAY, HOUR, MINUTE } from '../../clock.ts';
import { Layout, type PageFrame } from '../../http/layout.tsx';
import { plural } from '../../plural.ts';

export const SIGN_IN_ALERTS_PATH = '/staff/admin/sign-ins';

const duration = (ms: number): string =>
  ms % HOUR === 0 ? plural(ms / HOUR, 'hour') : plural(Math.round(ms / MINUTE), 'minute');

const accounts = (c: Record<AlertScope, number>): string[] =>
  [
    c.patron ? plural(c.patron, 'patron account') : '',
    c.staff ? plural(c.staff, 'staff account') : '',
  ].filter(Boolean);

const verb = (n: number, one: string, other: string) => (n === 1 ? one : other);

/** "3 patron accounts and 1 staff account are taking failed sign-ins …", or null when none is. */
export function underAttackSentence(c: SignInAttackCounts): string | null {
  const names = accounts(c.underAttack);
  if (!names.length) return null;
  const n = c.underAttack.patron + c.underAttack.staff;
  return `${names.join(' and ')} ${verb(n, 'is', 'are')} taking failed sign-ins from several addresses at once (possible attack). Carrel slows the guessing down by itself; there is nothing to do unless it goes on for days.`;
}

/** Whose owners must wait now, and how they get in at once; null when no allowance is full. */
function fullSentence(c: SignInAttackCounts): string | null {
  const n = c.full.patron + c.full.staff;
  if (!n) return null;
  return `${accounts(c.full).join(' and ')} ${verb(n, 'takes', 'take')} no more tries for now: the owner may be asked to wait up to ${duration(ACCOUNT_RULE.leakEveryMs)}, or can get in at once after a PIN reset (patrons) or a new password from an administrator (staff).`;
}

/** The alert on the staff home page; render it only when findSignInAlert returned counts. */
export function SignInAlert({ counts }: { counts: SignInAttackCounts }) {
  const full = fullSentence(counts);
  return (
    <section class="notice warning" aria-labelledby="sign-in-alert-title">
      <h2 id="sign-in-alert-title">Failed sign-ins</h2>
      <p>{underAttackSentence(counts)}</p>
      {full && <p>{full}</p>}
      <p>
        <a href={SIGN_IN_ALERTS_PATH}>What this means and when to act</a>
      </p>
    </section>
  );
}

export function SignInAttacksPage({
  library,
  actor,
  csrfToken,
  counts,
}: PageFrame & { counts: SignInAttackCounts }) {
  const now = underAttackSentence(counts);
  const full = fullSentence(counts);
  return (
    <Layout title="Failed sign-ins" library={library} actor={actor} csrfToken={csrfToken} staffArea>
      <h1>Failed sign-ins</h1>
      {now ? (
        <div class="notice warning">
          <p>{now}</p>
          {full && <p>{full}</p>}
        </div>
      ) : (
        <p>No patron or staff account is taking failed sign-ins from several addresses at once.</p>
      )}
      <p>
        Carrel counts failed sign-ins without keeping whose they are: only keyed hashes of card numbers, user
        names and network addresses are stored. So this page, like the warning on the staff home page, can
        only count accounts; nobody can see which account, card, user name or address is involved.
      </p>
      <h2>How Carrel slows down password guessing</h2>
      <p>Every failed sign-in — patron card and PIN, or staff user name and password — counts three times:</p>
      <ul>
        <li>
          <strong>The account from one address</strong>: after{' '}
          {plural(PAIR_RULE.freeFailures, 'free failure')} each try waits longer, from 1 second doubling up to{' '}
          {duration(PAIR_RULE.maxDelayMs)}. This stops a guesser at one place and never blocks the owner
          signing in somewhere else.
        </li>
        <li>
          <strong>One address, whatever the account</strong>: after{' '}
          {plural(SOURCE_RULE.freeFailures, 'free failure')} (a branch's computers share one address), waits
          grow up to {duration(SOURCE_RULE.maxDelayMs)}.
        </li>
        <li>
          <strong>The account from all addresses together</strong>: it takes at most{' '}
          {plural(ACCOUNT_RULE.capacity, 'wrong try', 'wrong tries')}, and one is forgiven every{' '}
          {duration(ACCOUNT_RULE.leakEveryMs)}. However many places guess, an account then takes at most{' '}
          {Math.floor(DAY / ACCOUNT_RULE.leakEveryMs)} tries a day.
        </li>
      </ul>
      <p>
        An account is counted here once its all-addresses counter holds{' '}
        {plural(ACCOUNT_RULE.alertAt, 'failure')} or more: one address alone cannot get there, so it means
        guesses from several places. Every wait ends by itself; no account stays locked until staff unlock it.
      </p>
      <h2>What to do</h2>
      <ul>
        <li>Usually nothing: the count goes down by itself as the failures are forgiven.</li>
        <li>
          A patron who cannot sign in during an attack can reset the PIN by e-mail or at the desk, which lets
          them in at once. A staff member can be given a new password by an administrator.
        </li>
        <li>
          If the warning stays for days, ask whoever runs the network in front of Carrel to limit or block the
          sources there. The server log marks each occurrence with the event{' '}
          <code>sign-in.sustained-failures</code>.
        </li>
      </ul>
      <p class="small">
        In Carrel's documentation: "How failed sign-ins are slowed down" in docs/patron-accounts.md and
        "Sign-in attack warnings" in docs/operators.md.
      </p>
    </Layout>
  );
}
