// Pieces shared by the desk and the patron's own pages: the branch choices and the holds table.
import { ScrollRegion } from '../../http/layout.tsx';
import { formatDate } from '../../http/form-parts.tsx';
import { branchName, type Branch, type LibraryIdentity } from '../../library.ts';
import type { HoldListing } from './holds.repository.ts';

export const branchOptions = (branches: readonly Branch[]) => branches.map((b) => [b.code, b.name] as const);

/** What the holds table shows of a hold: the fields it names, nothing else. */
export type HoldView = Pick<
  HoldListing,
  | 'id'
  | 'title'
  | 'itemBarcode'
  | 'status'
  | 'suspendedUntil'
  | 'pickupCode'
  | 'shelfExpiresAt'
  | 'position'
  | 'pickupBranch'
>;

const holdStatusText: Record<HoldListing['status'], string> = {
  waiting: 'Waiting',
  suspended: 'Paused',
  in_transit: 'On its way to the pickup branch',
  ready: 'Ready for pickup',
};

export function HoldsTable({
  holds,
  library,
  tz,
  actions,
}: {
  holds: HoldView[];
  library: LibraryIdentity;
  tz: string;
  actions: (h: HoldView) => preact.ComponentChildren;
}) {
  if (holds.length === 0) return <p>No holds.</p>;
  return (
    <ScrollRegion label="Holds">
      <table>
        <thead>
          <tr>
            <th scope="col">Title</th>
            <th scope="col">Status</th>
            <th scope="col">Place in line</th>
            <th scope="col">Pickup</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {holds.map((h) => (
            <tr key={h.id}>
              <td>
                {h.title}
                {h.itemBarcode && <span class="small"> (copy {h.itemBarcode})</span>}
              </td>
              <td>
                {holdStatusText[h.status]}
                {h.status === 'suspended' && h.suspendedUntil && ` until ${formatDate(h.suspendedUntil, tz)}`}
                {h.status === 'ready' && h.pickupCode && (
                  <>
                    {' '}
                    — pickup code <strong>{h.pickupCode}</strong>, until {formatDate(h.shelfExpiresAt, tz)}
                  </>
                )}
              </td>
              <td>{h.position ?? '—'}</td>
              <td>{branchName(library, h.pickupBranch)}</td>
              <td>{actions(h)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
