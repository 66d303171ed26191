// Pieces every public-computer staff page shares: the links between its pages and between branches.
import type { LibraryIdentity } from '../../library.ts';

export type PcsPage = 'map' | 'waitlist' | 'passes' | 'admin' | 'stats';

const pages: Array<[PcsPage, string, string]> = [
  ['map', '/staff/pcs', 'Live map'],
  ['waitlist', '/staff/pcs/waitlist', 'Waiting list'],
  ['passes', '/staff/pcs/passes', 'Guest passes'],
  ['admin', '/staff/pcs/groups', 'Groups and computers'],
  ['stats', '/staff/pcs/stats', 'Statistics'],
];

/** Tabs between the pages and, when the library has several, between branches. */
export function PcsNav({
  library,
  branch,
  page,
}: {
  library: LibraryIdentity;
  branch: string;
  page: PcsPage;
}) {
  const q = (code: string) => `?branch=${encodeURIComponent(code)}`;
  const base = pages.find((p) => p[0] === page)?.[1] ?? '/staff/pcs';
  return (
    <>
      <nav class="tabs no-print" aria-label="Public computers">
        <ul>
          {pages.map(([key, href, label]) => (
            <li key={key}>
              <a href={`${href}${q(branch)}`} aria-current={key === page ? 'page' : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {library.branches.length > 1 && (
        <nav class="tabs no-print" aria-label="Branches">
          <ul>
            {library.branches.map((b) => (
              <li key={b.code}>
                <a href={`${base}${q(b.code)}`} aria-current={b.code === branch ? 'page' : undefined}>
                  {b.name}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
    </>
  );
}

/** The name of a branch for headings. */
export const branchName = (library: LibraryIdentity, code: string): string =>
  library.branches.find((b) => b.code === code)?.name ?? code;
