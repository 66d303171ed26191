// `carrel pcs libki-ini`'s work (issue 14 item 1): the station (and the branch's default group)
// made if new, a new station key every time (an old key is never shown again), and the complete
// Libki client configuration file for it (the settings the vendored client reads, see
// test/fixtures/libki-client/ and docs/public-computers.md, step 3).
import type { AppContext } from '../../context.ts';
import { ValidationError } from '../../errors.ts';
import { carrelLabels } from './libki.presenter.ts';
import { STATION_KEY_HEADER } from './libki.routes.ts';
import * as queue from './pcs-queue.repository.ts';
import * as repo from './pcs.repository.ts';
import { createGroup, createStation } from './pcs-stations.service.ts';

const system = { kind: 'system' } as const;

export interface IniInput {
  station: string;
  branch: string;
  /** The group for a new station (made if the branch has none by that name); default "Internet". */
  group?: string;
  /** Move a computer of that name from another branch to this one (otherwise refused). */
  move?: boolean;
}

/** A group's ticket letter from its name ("Children" → "C"). */
const prefixOf = (name: string): string => /[A-Z]/.exec(name.toUpperCase())?.[0] ?? 'A';

/**
 * A computer of that name at another branch: refused without --move (a rerun must not quietly
 * give the same computer a second record elsewhere); with --move, that record is the one to move
 * here, if nobody uses it and no ticket holds it.
 */
async function toMove(ctx: AppContext, input: IniInput): Promise<repo.PcStationRow | undefined> {
  const elsewhere = (await repo.findStationsNamed(ctx.db, input.station)).filter(
    (s) => s.branch !== input.branch,
  );
  const from = elsewhere.map((s) => s.branch).join(', ');
  const fail = (text: string): never => {
    throw new ValidationError(text, { move: text });
  };
  if (!elsewhere.length) return undefined;
  if (!input.move)
    fail(`${input.station} is a computer of ${from}: give --move to move it to ${input.branch}.`);
  const [station] = elsewhere;
  if (elsewhere.length > 1 || !station)
    return fail(`--move: ${input.station} is at ${from}; rename or delete all but one first.`);
  if (await repo.findSessionByStation(ctx.db, station.id))
    fail(`--move: someone is using ${input.station}; move it when the session has ended.`);
  if (await queue.findTicketForStation(ctx.db, station.id))
    fail(`--move: ${input.station} is held for a ticket; skip or remove the ticket first.`);
  return station;
}

/** Makes or re-keys the station; `existed` says the old key stopped working, `movedFrom` its old branch. */
export async function issueStationKey(
  ctx: AppContext,
  input: IniInput,
): Promise<{ stationKey: string; existed: boolean; groupName: string; movedFrom?: string }> {
  if (!ctx.config.library.branches.some((b) => b.code === input.branch))
    throw new ValidationError(`There is no branch ${input.branch} in the library file.`);
  const existing = await repo.findStationByName(ctx.db, input.branch, input.station);
  const moving = existing ? undefined : await toMove(ctx, input);
  const groups = await repo.findGroups(ctx.db, input.branch);
  let group =
    input.group === undefined && existing?.group_id
      ? groups.find((g) => g.id === existing.group_id)
      : groups.find((g) => g.name === (input.group ?? 'Internet'));
  if (!group) {
    const name = input.group ?? 'Internet';
    const id = await createGroup(ctx, system, { branch: input.branch, name, ticketPrefix: prefixOf(name) });
    group = await repo.findGroup(ctx.db, id);
  }
  // Moved with its age bands and waiting-list setting, into a group here; then given a new key.
  if (moving) await repo.updateStation(ctx.db, moving.id, { branch: input.branch, group_id: group!.id });
  const kept = existing ?? moving;
  const { stationKey } = await createStation(ctx, system, {
    branch: input.branch,
    groupId: group!.id,
    name: input.station,
    ...(kept?.age_bands ? { ageBands: JSON.parse(kept.age_bands) as string[] } : {}),
    ...(kept ? { isReservable: kept.is_reservable === 1 } : {}),
  });
  return {
    stationKey,
    existed: kept !== undefined,
    groupName: group!.name,
    ...(moving ? { movedFrom: moving.branch } : {}),
  };
}

const q = (v: string) => `"${v.replace(/["\\]/g, '')}"`;

/** The client's INI: server from PUBLIC_URL, the key header, the node, no debug log, no printers. */
export function libkiIni(ctx: AppContext, input: IniInput, stationKey: string): string {
  const url = ctx.config.publicUrl;
  const scheme = url.protocol.replace(':', '');
  const port = url.port || (scheme === 'https' ? '443' : '80');
  return [
    `; Libki kiosk client configuration for ${input.station} at ${input.branch}, made by Carrel.`,
    '; Install as /etc/xdg/Libki/Libki Kiosk Management System.ini (Linux) or',
    '; C:\\ProgramData\\Libki\\Libki Kiosk Management System.ini (Windows). Keep it private:',
    '; the station key below lets this computer sign patrons in.',
    '[server]',
    `host=${q(url.hostname)}`,
    `port=${port}`,
    `scheme=${q(scheme)}`,
    `customHeaderName=${q(STATION_KEY_HEADER)}`,
    `customHeaderValue=${q(stationKey)}`,
    '',
    '[node]',
    `name=${q(input.station)}`,
    `location=${q(input.branch)}`,
    'type=""',
    'age_limit=""',
    'logoutAction=no_action',
    'no_passwords=0',
    // Off (also in register_node): the client leaves this box on screen after the session ends.
    'showTimeRemainingInSplash=0',
    '',
    '[logging]',
    '; "debug" (the client\'s default) writes card numbers and PINs into its log file.',
    'level="warning"',
    '',
    '[labels]',
    'username="Card number or guest pass:"',
    'password="PIN:"',
    ...Object.entries(carrelLabels).map(([code, text]) => `${code}=${q(text)}`),
    '',
  ].join('\n');
}
