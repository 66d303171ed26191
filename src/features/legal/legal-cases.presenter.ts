// Between the case rows and the case pages (issue 15 item 1; L1): labels for instruments and states,
// times in the library's time zone, sizes people read.
import { formatDateTime } from '../../http/layout.tsx';
import type { CaseListItem, CaseLogEntry } from './legal-read.service.ts';
import { instrumentLabels } from './legal.schemas.ts';
import type { CaseFile } from './legal.service.ts';
import { stateLabels } from './legal.states.ts';

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const lookup = (labels: Record<string, string>, key: string): string | undefined =>
  Object.hasOwn(labels, key) ? labels[key] : undefined;

/** An instrument as people read it (one list since the state machine uses the intake's names). */
export const instrumentText = (i: string): string => lookup(instrumentLabels, i) ?? i;

/** A state as people read it, e.g. "Recorded at intake". */
export const stateText = (s: string): string => capital(lookup(stateLabels, s) ?? s.replace(/_/g, ' '));

export const sizeText = (bytes: number): string =>
  bytes < 1024
    ? `${bytes} bytes`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

export interface CaseListRow {
  href: string;
  opened: string;
  instrument: string;
  state: string;
}

export const presentCaseList = (cases: CaseListItem[], tz: string): CaseListRow[] =>
  cases.map((c) => ({
    href: `/staff/legal/${c.id}`,
    opened: formatDateTime(c.openedAt, tz),
    instrument: instrumentText(c.instrument),
    state: stateText(c.state),
  }));

export interface CaseView {
  opened: string;
  instrument: string;
  state: string;
  details: Array<[label: string, value: string]>;
  request: string;
  attachments: Array<{ href: string; name: string; type: string; size: string; sha256: string }>;
  log: Array<{ at: string; actor: string; change: string; reason: string }>;
}

export function presentCase(file: CaseFile, log: CaseLogEntry[], tz: string): CaseView {
  const d = file.details;
  return {
    opened: formatDateTime(file.openedAt, tz),
    instrument: instrumentText(file.instrument),
    state: stateText(file.state),
    details: [
      ['Visitor’s name', d.visitorName],
      ['Agency', d.agency],
      ['Badge or ID shown', d.idShown],
      ['How the ID was checked', d.idCheck],
      ['When they came', formatDateTime(d.arrivedAt, tz)],
    ],
    request: d.request,
    attachments: file.attachments.map((a) => ({
      href: `/staff/legal/${file.id}/files/${a.id}`,
      name: a.name,
      type: a.mediaType,
      size: sizeText(a.size),
      sha256: a.sha256,
    })),
    log: log.map((e) => ({
      at: formatDateTime(e.at, tz),
      actor: e.actor ?? 'Carrel',
      change:
        e.fromState === null
          ? `Opened: ${stateText(e.toState)}`
          : `${stateText(e.fromState)} → ${stateText(e.toState)}`,
      reason: e.reason ?? '—',
    })),
  };
}
