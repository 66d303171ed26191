// The case pages for the privacy officer and counsel (issue 15 item 1; L1, L6): the list of cases
// and one case — the decrypted intake, its files as downloads and its log. Read-only for now: the
// transitions come with the case service.
import { Fragment } from 'preact';
import { Layout, ScrollRegion, type PageFrame } from '../../http/layout.tsx';
import type { CaseListRow, CaseView } from './legal-cases.presenter.ts';

export const CASES_PATH = '/staff/legal';

export function CaseListPage(p: PageFrame & { rows: CaseListRow[]; more: boolean }) {
  return (
    <Layout
      title="Law-enforcement cases"
      library={p.library}
      actor={p.actor ?? null}
      csrfToken={p.csrfToken}
      staffArea
    >
      <h1>Law-enforcement cases</h1>
      <p>
        <a href="/staff/legal/new">Record a new visit</a>
      </p>
      {p.rows.length === 0 ? (
        <p>No cases.</p>
      ) : (
        <ScrollRegion label="Cases">
          <table class="stack-table">
            <caption class="visually-hidden">Cases, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Opened</th>
                <th scope="col">What they say they have</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr key={r.href}>
                  <th scope="row" data-label="Opened">
                    <a href={r.href}>{r.opened}</a>
                  </th>
                  <td data-label="What they say they have">{r.instrument}</td>
                  <td data-label="State">{r.state}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      {p.more && <p>Only the newest cases are shown.</p>}
    </Layout>
  );
}

export function CasePage(p: PageFrame & { c: CaseView }) {
  const c = p.c;
  const title = `Case opened ${c.opened}`;
  return (
    <Layout title={title} library={p.library} actor={p.actor ?? null} csrfToken={p.csrfToken} staffArea>
      <p>
        <a href={CASES_PATH}>All cases</a>
      </p>
      <h1>{title}</h1>
      <dl class="facts">
        <dt>What they say they have</dt>
        <dd>{c.instrument}</dd>
        <dt>State</dt>
        <dd>{c.state}</dd>
        {c.details.map(([label, value]) => (
          <Fragment key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </Fragment>
        ))}
      </dl>
      <h2>What they ask for</h2>
      <p class="pre-wrap">{c.request}</p>
      <h2>Papers</h2>
      {c.attachments.length === 0 ? (
        <p>No scans or photos were recorded.</p>
      ) : (
        <ul>
          {c.attachments.map((a) => (
            <li key={a.href} class="wrap-anywhere">
              <a href={a.href} download>
                {a.name}
              </a>{' '}
              ({a.type}, {a.size}) <span class="small">SHA-256 {a.sha256}</span>
            </li>
          ))}
        </ul>
      )}
      <h2>Case log</h2>
      <ScrollRegion label="Case log">
        <table class="stack-table">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">By</th>
              <th scope="col">Change</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {c.log.map((e, i) => (
              <tr key={i}>
                <td data-label="Time">{e.at}</td>
                <td data-label="By">{e.actor}</td>
                <td data-label="Change">{e.change}</td>
                <td data-label="Reason" class="wrap-anywhere">
                  {e.reason}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    </Layout>
  );
}
