// Between the public-computer services and the staff pages: what each computer's card says, field by
// field, so nothing about who uses a computer can reach a page (P1).
import { formatDateTime } from '../../http/layout.tsx';
import type { StationState } from './pcs-stations.service.ts';
import type { PcGroupRow } from './pcs.repository.ts';

export type StatusItem = { stationId: string; name: string; groupId: string | null } & StationState;

/** One computer as the map shows it. */
export interface MapStation {
  id: string;
  name: string;
  state: StationState['state'];
  /** "In use", "Free", … */
  label: string;
  /** "42 minutes left", "Held for B-17 until 3:05 PM", or empty. */
  detail: string;
  /** Needs someone to look at it (waiting for approval, out of order, offline). */
  attention: boolean;
}

export interface MapGroup {
  id: string | null;
  name: string;
  stations: MapStation[];
}

const labels: Record<StationState['state'], string> = {
  unapproved: 'Waiting for approval',
  'out-of-order': 'Out of order',
  offline: 'Offline',
  free: 'Free',
  reserved: 'Reserved',
  'in-use': 'In use',
};

const minutes = (n: number) => `${n} ${n === 1 ? 'minute' : 'minutes'} left`;

/** The card text of one computer. */
export function presentStation(s: StatusItem, timeZone: string): MapStation {
  let detail = '';
  if (s.state === 'in-use') detail = minutes(s.minutesLeft);
  else if (s.state === 'reserved')
    detail = s.holdUntil
      ? `Held for ticket ${s.ticket} until ${formatDateTime(s.holdUntil, timeZone).split(', ').pop() ?? ''}`
      : `Held for ticket ${s.ticket}`;
  return {
    id: s.stationId,
    name: s.name,
    state: s.state,
    label: labels[s.state],
    detail,
    attention: s.state === 'unapproved' || s.state === 'out-of-order' || s.state === 'offline',
  };
}

/** The map: computers grouped by group (in the groups' order), then those waiting for approval. */
export function presentMap(status: StatusItem[], groups: PcGroupRow[], timeZone: string): MapGroup[] {
  const out: MapGroup[] = groups.map((g) => ({ id: g.id, name: g.name, stations: [] }));
  const byId = new Map(out.map((g) => [g.id, g]));
  const waiting: MapGroup = { id: null, name: 'Waiting for approval', stations: [] };
  for (const s of status) {
    const group = (s.state !== 'unapproved' && s.groupId && byId.get(s.groupId)) || waiting;
    group.stations.push(presentStation(s, timeZone));
  }
  return [...out, ...(waiting.stations.length ? [waiting] : [])];
}

/** How many computers are in each state (for the summary line above the map). */
export function countStates(groups: MapGroup[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const g of groups) for (const s of g.stations) counts.set(s.label, (counts.get(s.label) ?? 0) + 1);
  return [...counts];
}

/** A group's age bands (JSON text in the row) as a list. */
export const ageBandsOf = (text: string | null): string[] => {
  if (!text) return [];
  const v: unknown = JSON.parse(text);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
};
