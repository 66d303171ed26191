// Staff interface pages: sign-in, home, own password, and the administrator's account management.
import { canUseReferenceDesk } from '../reference/reference.policy.ts';
import { canViewWebStats } from '../webstats/webstats.policy.ts';
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
import type { StaffMember } from './staff.repository.ts';
import {
  canManageStaff,
  canManageAnnouncements,
  canReadAccessLog,
  canViewJobQueue,
  canReadDevMailbox,
  canViewPatron,
  canViewPurgeRuns,
  canViewSignInAlerts,
} from './staff.policy.ts';
import type { SignInAttackCounts } from './sign-in-alerts.service.ts';
import { SIGN_IN_ALERTS_PATH, SignInAlert } from './sign-in-alerts.views.tsx';
import { roleLabels, roles, type Role } from './roles.ts';
import { canViewStaffCatalog } from '../catalog/catalog.policy.ts';
import { canUseDesk, canViewCirculationCounts } from '../circulation/circulation.policy.ts';
import { plural } from '../../plural.ts';
import { canManagePcs } from '../pcs/pcs.policy.ts';
import { canOpenCase, canReadCases } from '../legal/legal.policy.ts';
import { TextInput } from '../../http/fields.tsx';

interface FormState {
  csrfToken: string;
  error?: string;
  fields?: FieldErrors;
}

export function LoginPage({
  library,
  csrfToken,
  error,
  fields,
  username,
}: PageFrame & FormState & { username?: string }) {
  return (
    <Layout title="Staff sign-in" library={library} staffArea>
      <h1>Staff sign-in</h1>
      <ErrorSummary message={error} fields={fields} />
      <form method="post" action="/staff/login" class="stack" novalidate>
        <CsrfField token={csrfToken} />
        <TextInput
          name="username"
          label="User name"
          value={username}
          autocomplete="username"
          error={fields?.username}
          required
        />
        <TextInput
          name="password"
          label="Password"
          type="password"
          autocomplete="current-password"
          error={fields?.password}
          required
        />
        <button type="submit">Sign in</button>
      </form>
      <p class="small">Forgotten your password? An administrator can set a new one for you.</p>
    </Layout>
  );
}

export function StaffHomePage({
  library,
  actor,
  csrfToken,
  notice,
  signInAlert,
}: PageFrame & { notice?: string; signInAlert?: SignInAttackCounts | null }) {
  const a = actor!;
  const links: Array<[string, string, string]> = [];
  if (canManageStaff(a))
    links.push([
      '/staff/admin/staff',
      'Staff accounts',
      'Create accounts, set roles, disable, reset passwords.',
    ]);
  if (canViewPurgeRuns(a))
    links.push([
      '/staff/admin/purge',
      'Purging',
      'Retention rules, recent purge runs and the next scheduled run.',
    ]);
  if (canViewJobQueue(a)) links.push(['/staff/admin/jobs', 'Background jobs', 'Health of the job queue.']);
  if (canViewSignInAlerts(a))
    links.push([
      SIGN_IN_ALERTS_PATH,
      'Failed sign-ins',
      'How many accounts take failed sign-ins from many places at once (never which), and what to do.',
    ]);
  if (canReadDevMailbox(a))
    links.push([
      '/staff/admin/mailbox',
      'Development mailbox',
      'E-mail held back while no SMTP server is set.',
    ]);
  if (canReadDevMailbox(a))
    links.push([
      '/staff/admin/mail',
      'E-mail sent',
      'Counts of e-mail sent, refused or waiting, per day and kind.',
    ]);
  if (canViewStaffCatalog(a))
    links.push([
      '/staff/catalog',
      'Catalog records',
      'Look up records by control number or barcode, add and edit copies, import MARC files.',
    ]);
  if (canUseDesk(a)) {
    links.push([
      '/staff/desk',
      'Circulation desk',
      'Check out, check in, renew, holds for a patron. Shows current loans only, never past ones.',
    ]);
    links.push(['/staff/holds', 'Hold shelf', 'Ready holds by pickup code, copies to clear and to pull.']);
  }
  if (canViewCirculationCounts(a))
    links.push([
      '/staff/circulation/stats',
      'Circulation statistics',
      'Counts per day, branch, material type and action, with no patron in them.',
    ]);
  if (canManagePcs(a))
    links.push([
      '/staff/pcs',
      'Public computers',
      'Live map of the computers (never who uses them), waiting list, guest passes, groups and computers.',
    ]);
  if (canManagePcs(a))
    links.push([
      '/staff/pcs/stats',
      'Public computer statistics',
      'Sessions, minutes, waits and refusals per branch, group and hour, with no person in them.',
    ]);
  if (canViewPatron(a))
    links.push([
      '/staff/patrons',
      'Patrons',
      'Find a patron by card or name, register patrons, renew cards.',
    ]);
  if (canReadAccessLog(a))
    links.push(['/staff/access-log', 'Staff access log', 'Who opened which patron record, when and why.']);
  if (canUseReferenceDesk(a))
    links.push([
      '/staff/reference',
      'Ask a Librarian',
      'Questions from the web form and e-mail: claim, answer, close; statistics and the FAQ.',
    ]);
  if (canViewWebStats(a))
    links.push([
      '/staff/stats',
      'Website statistics',
      'Visitors, pages, referring sites, browsers — counts only, small counts hidden.',
    ]);
  if (canManageAnnouncements(a))
    links.push([
      '/staff/announcements',
      'Announcements',
      'Write, preview and send announcements to the patrons who subscribed.',
    ]);
  if (canReadCases(a))
    links.push([
      '/staff/legal',
      'Law-enforcement cases',
      'Requests recorded at the desk: the papers, what was asked for and the case log.',
    ]);
  // Every role: whoever is at the desk when law enforcement comes records the visit (L1).
  if (canOpenCase(a))
    links.push([
      '/staff/legal/new',
      'Law enforcement request',
      'Someone from the police or another agency asks for patron records: record it here and what to say.',
    ]);
  return (
    <Layout title="Staff home" library={library} actor={a} csrfToken={csrfToken} staffArea>
      <h1>Hello, {a.displayName}</h1>
      {notice && <Notice>{notice}</Notice>}
      {signInAlert && <SignInAlert counts={signInAlert} />}
      <p>
        Your roles:{' '}
        {a.roles.map((r) => (
          <span class="tag" key={r}>
            {roleLabels[r]}
          </span>
        ))}
      </p>
      {links.length > 0 ? (
        <ul class="cards">
          {links.map(([href, label, text]) => (
            <li class="card" key={href}>
              <h2>
                <a href={href}>{label}</a>
              </h2>
              <p>{text}</p>
            </li>
          ))}
        </ul>
      ) : (
        <p>The tools for your roles will appear here as Carrel grows (circulation, reference, statistics).</p>
      )}
    </Layout>
  );
}

export function ChangePasswordPage({ library, actor, csrfToken, error, fields }: PageFrame & FormState) {
  return (
    <Layout title="Change password" library={library} actor={actor} csrfToken={csrfToken} staffArea>
      <h1>Change your password</h1>
      {actor?.mustChangePassword && (
        <Notice>Your password was set for you. Choose your own before you continue.</Notice>
      )}
      <ErrorSummary message={error} fields={fields} />
      <form method="post" action="/staff/password" class="stack" novalidate>
        <CsrfField token={csrfToken!} />
        <TextInput
          name="currentPassword"
          label="Current password"
          type="password"
          autocomplete="current-password"
          error={fields?.currentPassword}
          required
        />
        <TextInput
          name="newPassword"
          label="New password"
          type="password"
          autocomplete="new-password"
          hint="At least 12 characters; not a common password, not built from your user name, your name or the library’s name. A few unrelated words make a strong, memorable password."
          error={fields?.newPassword}
          required
        />
        <TextInput
          name="confirmPassword"
          label="New password again"
          type="password"
          autocomplete="new-password"
          error={fields?.confirmPassword}
          required
        />
        <button type="submit">Change password</button>
      </form>
    </Layout>
  );
}

export function StaffListPage({
  library,
  actor,
  csrfToken,
  staff,
  notice,
}: PageFrame & { staff: StaffMember[]; notice?: string }) {
  return (
    <Layout title="Staff accounts" library={library} actor={actor} csrfToken={csrfToken} staffArea>
      <h1>Staff accounts</h1>
      {notice && <Notice>{notice}</Notice>}
      <p>
        <a class="button" href="/staff/admin/staff/new">
          Create a staff account
        </a>
      </p>
      <ScrollRegion label="Staff accounts">
        <table>
          <caption>{plural(staff.length, 'account')}</caption>
          <thead>
            <tr>
              <th scope="col">User name</th>
              <th scope="col">Name</th>
              <th scope="col">Roles</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {staff.map((s) => (
              <tr key={s.id}>
                <td>
                  <a href={`/staff/admin/staff/${s.id}`}>{s.username}</a>
                </td>
                <td>{s.displayName}</td>
                <td>{s.roles.map((r) => roleLabels[r]).join(', ')}</td>
                <td>
                  {s.isDisabled
                    ? 'Disabled'
                    : s.mustChangePassword
                      ? 'Active (password to be changed)'
                      : 'Active'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    </Layout>
  );
}

function RoleChecks({ selected, error }: { selected: readonly string[]; error?: string }) {
  return (
    <fieldset
      class={error ? 'field has-error checks' : 'field checks'}
      id="roles"
      aria-describedby={error ? 'roles-error' : undefined}
    >
      <legend>Roles</legend>
      {error && (
        <p class="error" id="roles-error">
          <span class="visually-hidden">Error: </span>
          {error}
        </p>
      )}
      {roles.map((r) => (
        <label key={r}>
          <input type="checkbox" name="roles" value={r} checked={selected.includes(r)} /> {roleLabels[r]}
        </label>
      ))}
    </fieldset>
  );
}

/** The fields a new and an existing account share. */
function NameAndRoles({ values, fields }: { values: StaffFormValues; fields?: FieldErrors }) {
  return (
    <>
      <TextInput
        name="displayName"
        label="Name"
        value={values.displayName}
        error={fields?.displayName}
        autocomplete="off"
        required
      />
      <RoleChecks selected={values.roles ?? []} error={fields?.roles} />
    </>
  );
}

export interface StaffFormValues {
  username?: string;
  displayName?: string;
  roles?: readonly string[];
}

export function NewStaffPage({
  library,
  actor,
  csrfToken,
  error,
  fields,
  values,
}: PageFrame & FormState & { values: StaffFormValues }) {
  return (
    <Layout title="Create a staff account" library={library} actor={actor} csrfToken={csrfToken} staffArea>
      <h1>Create a staff account</h1>
      <ErrorSummary message={error} fields={fields} />
      <form method="post" action="/staff/admin/staff/new" class="stack" novalidate>
        <CsrfField token={csrfToken!} />
        <TextInput
          name="username"
          label="User name"
          value={values.username}
          hint="3–32 lower-case letters, digits, dots, dashes or underscores."
          error={fields?.username}
          autocomplete="off"
          required
        />
        <NameAndRoles values={values} fields={fields} />
        <p class="hint">
          A password is generated and shown once; the new staff member must change it at first sign-in.
        </p>
        <button type="submit">Create account</button>
      </form>
    </Layout>
  );
}

export function EditStaffPage({
  library,
  actor,
  csrfToken,
  error,
  fields,
  member,
  values,
  timezone,
}: PageFrame & FormState & { member: StaffMember; values: StaffFormValues; timezone: string }) {
  const self = actor?.id === member.id;
  return (
    <Layout
      title={`Staff account ${member.username}`}
      library={library}
      actor={actor}
      csrfToken={csrfToken}
      staffArea
    >
      <h1>Staff account {member.username}</h1>
      <dl class="facts">
        <dt>Status</dt>
        <dd>{member.isDisabled ? 'Disabled' : 'Active'}</dd>
        <dt>Created</dt>
        <dd>{formatDateTime(member.createdAt, timezone)}</dd>
      </dl>
      <ErrorSummary message={error} fields={fields} />
      <form method="post" action={`/staff/admin/staff/${member.id}`} class="stack" novalidate>
        <CsrfField token={csrfToken!} />
        <NameAndRoles values={values} fields={fields} />
        <button type="submit">Save changes</button>
      </form>
      <h2>Password</h2>
      <form method="post" action={`/staff/admin/staff/${member.id}/reset-password`}>
        <CsrfField token={csrfToken!} />
        <p>Sets a new random password, shown to you once, and signs the account out everywhere.</p>
        <button type="submit" class="secondary">
          Reset password
        </button>
      </form>
      {!self && (
        <>
          <h2>{member.isDisabled ? 'Enable' : 'Disable'} the account</h2>
          <form
            method="post"
            action={`/staff/admin/staff/${member.id}/${member.isDisabled ? 'enable' : 'disable'}`}
          >
            <CsrfField token={csrfToken!} />
            <p>
              {member.isDisabled
                ? 'The staff member will be able to sign in again.'
                : 'The staff member is signed out at once and cannot sign in. A disabled account is deleted after a year.'}
            </p>
            <button type="submit" class={member.isDisabled ? 'secondary' : 'danger'}>
              {member.isDisabled ? 'Enable account' : 'Disable account'}
            </button>
          </form>
        </>
      )}
      <p>
        <a href="/staff/admin/staff">Back to staff accounts</a>
      </p>
    </Layout>
  );
}

export function OneTimePasswordPage({
  library,
  actor,
  csrfToken,
  member,
  password,
  created,
}: PageFrame & { member: StaffMember; password: string; created: boolean }) {
  return (
    <Layout title="Password shown once" library={library} actor={actor} csrfToken={csrfToken} staffArea>
      <h1>{created ? `Account ${member.username} created` : `New password for ${member.username}`}</h1>
      <p>
        Give this password to {member.displayName} privately. It is shown only now and cannot be looked up
        later.
      </p>
      <p>
        <span class="secret">{password}</span>
      </p>
      <p>They will be asked to choose their own password when they sign in.</p>
      <p>
        <a href={`/staff/admin/staff/${member.id}`}>Back to the account</a>
      </p>
    </Layout>
  );
}

export const noticeText: Record<string, string> = {
  'password-changed': 'Your password has been changed. Your other sessions were signed out.',
  saved: 'Changes saved.',
  disabled: 'The account was disabled and signed out everywhere.',
  enabled: 'The account was enabled.',
};

export type { Role };
