// The page frame every HTML page shares: skip link, header with the library's name, navigation,
// main landmark and a footer that always links the privacy page. Works without JavaScript.
import type { ComponentChildren } from 'preact';
import type { LibraryIdentity } from '../library.ts';
import type { StaffActor } from '../auth/actors.ts';
import type { FieldErrors } from '../errors.ts';

export interface PageFrame {
  library: LibraryIdentity;
  /** The signed-in staff member, when the page belongs to the staff interface. */
  actor?: StaffActor | null;
  /** Token for the sign-out form on staff pages. */
  csrfToken?: string;
}

interface LayoutProps extends PageFrame {
  title: string;
  children: ComponentChildren;
  staffArea?: boolean;
  /** Reload the page every so many seconds, without JavaScript (a live map; never a page with a form being filled). */
  refreshSeconds?: number;
  /** Where the refresh goes (default: this page again), e.g. a ticket page's own address. */
  refreshUrl?: string;
  /** A feature's own stylesheet in src/http/assets/ (e.g. "pcs.css"), after the site's. */
  stylesheet?: string;
}

export function Layout({
  title,
  library,
  actor,
  csrfToken,
  children,
  staffArea,
  refreshSeconds,
  refreshUrl,
  stylesheet,
}: LayoutProps) {
  const fullTitle = `${title} — ${library.name}`;
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{fullTitle}</title>
        <link rel="stylesheet" href="/assets/site.css" />
        {stylesheet && <link rel="stylesheet" href={`/assets/${stylesheet}`} />}
        {staffArea && <meta name="robots" content="noindex" />}
        {refreshSeconds && (
          <meta
            http-equiv="refresh"
            content={refreshUrl ? `${refreshSeconds};url=${refreshUrl}` : String(refreshSeconds)}
          />
        )}
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to main content
        </a>
        <header class="site-header">
          <div class="wrap">
            <a class="brand" href={staffArea ? '/staff' : '/'}>
              {library.name}
              {staffArea && <span class="brand-sub"> · Staff</span>}
            </a>
            <nav aria-label={staffArea ? 'Staff' : 'Main'}>
              <ul>
                {staffArea && actor ? (
                  <>
                    <li>
                      <a href="/staff">Staff home</a>
                    </li>
                    <li>
                      <a href="/staff/password">Change password</a>
                    </li>
                    <li>
                      <form method="post" action="/staff/logout" class="inline">
                        <input type="hidden" name="_csrf" value={csrfToken ?? ''} />
                        <button type="submit" class="link-button">
                          Sign out ({actor.username})
                        </button>
                      </form>
                    </li>
                  </>
                ) : (
                  <>
                    <li>
                      <a href="/">Home</a>
                    </li>
                    <li>
                      <a href="/catalog">Catalog</a>
                    </li>
                    <li>
                      <a href="/account">Your account</a>
                    </li>
                    <li>
                      <a href="/ask">Ask a Librarian</a>
                    </li>
                    <li>
                      <a href="/contact">Contact</a>
                    </li>
                    <li>
                      <a href="/privacy">Privacy</a>
                    </li>
                  </>
                )}
              </ul>
            </nav>
          </div>
        </header>
        <main id="main" class="wrap" tabIndex={-1}>
          {children}
        </main>
        <footer class="site-footer">
          <div class="wrap">
            <p>
              <a href="/privacy">Privacy policy</a> · <a href="/contact">Contact us</a>
              {!staffArea && (
                <>
                  {' '}
                  · <a href="/staff/login">Staff sign-in</a>
                </>
              )}
            </p>
            <p class="small">
              {library.name} runs Carrel, free software under the GNU AGPL. This site uses no cookies for
              visitors, no third-party content and no tracking.
            </p>
          </div>
        </footer>
      </body>
    </html>
  );
}

/** Lists the problems at the top of a form, each linking to its field (WCAG 3.3.1). */
export function ErrorSummary({ message, fields }: { message?: string; fields?: FieldErrors }) {
  if (!message) return null;
  const entries = Object.entries(fields ?? {}).filter(([k]) => k !== '_');
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabIndex={-1}>
      <h2 id="error-summary-title">{message}</h2>
      {entries.length > 0 && (
        <ul>
          {entries.map(([field, msg]) => (
            <li key={field}>
              <a href={`#${field}`}>{msg}</a>
            </li>
          ))}
        </ul>
      )}
      {fields?._ && <p>{fields._}</p>}
    </div>
  );
}

/** A wide table that may scroll sideways on a small screen; focusable so keyboards can scroll it. */
export function ScrollRegion({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <div class="notice" role="status">
      {children}
    </div>
  );
}

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

/** Formats an ISO timestamp in the library's time zone for people. */
export function formatDateTime(isoText: string | null | undefined, timeZone: string): string {
  if (!isoText) return '—';
  return new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
    new Date(isoText),
  );
}
