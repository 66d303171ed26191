// Public pages: home (branches, hours, contact), contact, and the privacy policy (G3).
import type { Branch, LibraryIdentity } from '../../library.ts';
import { weekdayNames, weekdays } from '../../library.ts';
import { Layout } from '../../http/layout.tsx';
import type { PrivacyPolicy } from '../../privacy/privacy-policy.ts';
import { SearchForm } from '../catalog/catalog.views.tsx';
import { plural, pluralForm } from '../../plural.ts';

function BranchCard({ branch }: { branch: Branch }) {
  const a = branch.address;
  return (
    <li class="card">
      <h3>{branch.name}</h3>
      <address>
        {a.street}
        <br />
        {a.city}, {a.region} {a.postalCode}
        {branch.phone && (
          <>
            <br />
            Phone: <a href={`tel:${branch.phone.replace(/\s+/g, '')}`}>{branch.phone}</a>
          </>
        )}
      </address>
      <table class="hours">
        <caption>Opening hours</caption>
        <tbody>
          {weekdays.map((d) => {
            const h = branch.hours[d];
            return (
              <tr key={d}>
                <th scope="row">{weekdayNames[d]}</th>
                <td>{h ? `${h.opens}–${h.closes}` : 'Closed'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </li>
  );
}

export function HomePage({ library }: { library: LibraryIdentity }) {
  return (
    <Layout title="Welcome" library={library}>
      <h1>{library.name}</h1>
      <p class="lead">
        Welcome. Who reads what is nobody's business but the reader's: this library keeps only what it needs
        to lend you books, deletes it on a schedule, and tells you exactly what it holds on its{' '}
        <a href="/privacy">privacy page</a>.
      </p>
      <h2>Find a book, film or recording</h2>
      <SearchForm />
      <p>
        Or <a href="/catalog">browse the catalog</a>. Searching needs no sign-in, and what you search for is
        not recorded.
      </p>
      <h2>Our {pluralForm(library.branches.length, 'branch', 'branches')}</h2>
      <ul class="cards">
        {library.branches.map((b) => (
          <BranchCard key={b.code} branch={b} />
        ))}
      </ul>
      <h2>Questions?</h2>
      <p>
        See <a href="/contact">how to contact us</a>.
      </p>
    </Layout>
  );
}

function ContactCard({ title, person }: { title: string; person: LibraryIdentity['contacts']['webmaster'] }) {
  return (
    <li class="card">
      <h2>{title}</h2>
      <p>{person.name}</p>
      <p>
        E-mail: <a href={`mailto:${person.email}`}>{person.email}</a>
        {person.phone && (
          <>
            <br />
            Phone: {person.phone}
          </>
        )}
      </p>
    </li>
  );
}

export function ContactPage({ library }: { library: LibraryIdentity }) {
  const { webmaster, headLibrarian } = library.contacts;
  return (
    <Layout title="Contact" library={library}>
      <h1>Contact us</h1>
      <ul class="cards">
        <ContactCard title="About this website" person={webmaster} />
        <ContactCard title="About the library and its policies" person={headLibrarian} />
      </ul>
      <h2>Branches</h2>
      <ul>
        {library.branches.map((b) => (
          <li key={b.code}>
            {b.name}: {b.address.street}, {b.address.city}
            {b.phone ? ` · ${b.phone}` : ''}
          </li>
        ))}
      </ul>
      <p>
        Opening hours are on the <a href="/">home page</a>.
      </p>
    </Layout>
  );
}

const DELETIONS =
  'Deleted information — by those rules, or at once when you return an item, collect or cancel a hold, sign ' +
  'out, reset your PIN or close your account, or when a question to a librarian is closed —';

/** How soon deleted information leaves the database files (G2): seconds on SQLite; PostgreSQL honestly. */
function deletedDataSentence(seconds: number | null): string {
  if (seconds === null)
    return `${DELETIONS} is removed from the database at once. The database server may keep its bytes in its files until that space is used again; each run asks the server to reclaim it.`;
  return `${DELETIONS} is overwritten in the database files within ${seconds} ${seconds === 1 ? 'second' : 'seconds'}, not just hidden. Only while a long report is reading the database can it take longer: until that report finishes.`;
}

export function PrivacyPage({ library, policy }: { library: LibraryIdentity; policy: PrivacyPolicy }) {
  const { webmaster, headLibrarian } = policy.contacts;
  return (
    <Layout title="Privacy policy" library={library}>
      <h1>Privacy policy</h1>
      <p class="lead">
        Transaction records, e-mail and anything else that could link you with the materials or subjects you
        use are confidential. They are not given to anyone but you, and records leave the library only under
        process, order or subpoena authorized by law — which the library resists until a court has found good
        cause.
      </p>
      <p>
        This page is generated from the same list of data that the library's software uses to delete
        information on schedule, so it describes exactly what the software keeps. It changes when the software
        changes.
      </p>

      <h2 id="collected">What we keep, why, and for how long</h2>
      {policy.sections.map((s) => (
        <section key={s.category} aria-labelledby={`cat-${s.category}`}>
          <h3 id={`cat-${s.category}`}>{s.title}</h3>
          {/* Explicit roles keep the table's meaning for screen readers when the phone layout
              turns its rows into blocks (browsers drop table semantics on display changes). */}
          <table class="stack-table" role="table">
            <thead role="rowgroup">
              <tr role="row">
                <th scope="col" role="columnheader">
                  Information
                </th>
                <th scope="col" role="columnheader">
                  Why we keep it
                </th>
                <th scope="col" role="columnheader">
                  How long
                </th>
                <th scope="col" role="columnheader">
                  Who can see it
                </th>
                <th scope="col" role="columnheader">
                  In your own copy
                </th>
              </tr>
            </thead>
            <tbody role="rowgroup">
              {s.items.map((i) => (
                <tr role="row" key={`${i.table}.${i.column}`}>
                  <td role="cell" data-label="Information">
                    {i.what}
                  </td>
                  <td role="cell" data-label="Why we keep it">
                    {i.why}
                  </td>
                  <td role="cell" data-label="How long">
                    {i.howLong}
                  </td>
                  <td role="cell" data-label="Who can see it">
                    {i.whoCanSee.join(', ')}
                  </td>
                  <td role="cell" data-label="In your own copy">
                    {i.inYourCopy ? 'Yes' : 'No'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}

      <h2 id="purging">How information is deleted</h2>
      <p>
        Every {policy.purgeEveryMinutes === 60 ? 'hour' : plural(policy.purgeEveryMinutes, 'minute')} the
        software applies each of the rules above by itself; nobody has to remember to run it. Each run is
        recorded only as counts — how many records each rule removed — never whose.
      </p>
      <p id="overwritten">{deletedDataSentence(policy.deletedGoneWithinSeconds)}</p>
      <p>
        The one exception is a <strong>legal hold</strong>: when valid legal process requires the library to
        preserve specific records, exactly those records are kept until the hold ends, and nothing new is
        collected because of it.
      </p>

      <h2 id="website">Visiting this website</h2>
      <ul>
        <li>You can read every public page without signing in, without cookies and without JavaScript.</li>
        <li>
          Visitors get no cookie at all, not even when sending a form such as Ask a Librarian or the sign-in
          page: the form carries its own signed, time-limited code instead. Signing in sets one cookie that
          holds only your session's key; it is deleted when you sign out or close the browser.
        </li>
        <li>
          The site loads nothing from other companies: no advertising, no analytics services, no fonts or
          scripts from elsewhere. It tells your browser not to send the address of the page you came from.
        </li>
        <li>
          The server's logs record which kind of page was requested, the result and how long it took — never
          your network address, what you searched for, or your card number.
        </li>
      </ul>
      <h3 id="statistics">Website statistics</h3>
      <p>
        To learn which pages are useful, the site counts visits to its public pages
        {policy.websiteStatistics.otherSites.length > 0 &&
          ` (and to ${policy.websiteStatistics.otherSites.join(', ')}, which send their counts here)`}
        . From each visit it keeps only, already reduced when the visit happens:
      </p>
      <ul>
        {policy.websiteStatistics.collected.map((item) => (
          <li key={item}>{item}.</li>
        ))}
      </ul>
      <p>
        These are added to counts — "Firefox 133: 412 views on 3 November" — and no record of any single visit
        is kept. Unique visitors are counted with a one-way code that includes a random value made new each
        day and destroyed when the day ends, so no visit can be linked to another day's. Hourly counts become
        daily counts after {plural(policy.websiteStatistics.hourlyDays, 'day')}; daily counts are deleted
        after {plural(policy.websiteStatistics.keepDays, 'day')}. Published figures show counts from 1 to{' '}
        {policy.websiteStatistics.statsK} only as "{policy.websiteStatistics.statsK} or fewer".
      </p>
      <p>
        If your browser sends <strong>Do Not Track</strong> or <strong>Global Privacy Control</strong>, your
        visit only adds one to an anonymous daily total of such visits; nothing else about it is counted.
        Automated visitors (search-engine robots) and library staff computers are not counted.
      </p>
      <p>
        Links to other websites first show a page saying where they lead: this policy does not apply there.
        Only the number of people leaving for each site is counted.
      </p>

      <h2 id="comments">Questions and comments</h2>
      <p>Please send questions or comments about this policy to either of:</p>
      <ul>
        <li>
          {webmaster.name} (webmaster): <a href={`mailto:${webmaster.email}`}>{webmaster.email}</a>
          {webmaster.phone ? `, ${webmaster.phone}` : ''}
        </li>
        <li>
          {headLibrarian.name}: <a href={`mailto:${headLibrarian.email}`}>{headLibrarian.email}</a>
          {headLibrarian.phone ? `, ${headLibrarian.phone}` : ''}
        </li>
      </ul>
      <h2 id="other-records">Records that concern no one</h2>
      <p>The library's software also keeps these records, which hold nothing about any person:</p>
      <ul>
        {policy.tablesWithoutPersonalData.map((d) => (
          <li key={d}>{d}</li>
        ))}
      </ul>
      <p class="small">
        The complete list, column by column, is available as{' '}
        <a href="/api/v1/privacy">machine-readable data</a>.
      </p>
    </Layout>
  );
}
