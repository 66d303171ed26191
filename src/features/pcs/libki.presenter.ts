// What leaves Carrel for the Libki kiosk client, field by field, as the vendored client 2.4.0 reads
// it (test/fixtures/libki-client/, networkclient.cpp: processRegisterNodeReply,
// processAttemptLoginReply, processGetUserDataUpdateReply; docs/public-computers.md). Never `null`
// (the client shows "null"), always strings or numbers; refusals as codes the client knows.
import type { RefusalReason } from './pcs.common.ts';
import type { PollResult } from './pcs.service.ts';

/** Carrel's own login codes that the client has no text for; the generated INI labels them. */
export const carrelLabels: Record<string, string> = {
  AGE_BAND: 'These computers are for another age group.',
  OUT_OF_ORDER: 'This computer is out of order.',
  STATION_BUSY: 'Someone is already signed in on this computer.',
  TOO_MANY_ATTEMPTS: 'Too many failed attempts. Please wait a few minutes, or ask staff.',
};

/** A refusal reason as the code the client shows ("Login Failed: …"). */
export const libkiCode = (reason: RefusalReason): string =>
  ({
    ACCOUNT_DISABLED: 'ACCOUNT_DISABLED',
    ACCOUNT_EXPIRED: 'EXPIRED_CARD',
    BAD_LOGIN: 'BAD_LOGIN',
    NO_TIME: 'NO_TIME',
    CLOSED: 'CLOSED',
    AGE_BAND: 'AGE_MISMATCH',
    RESERVED: 'RESERVED_FOR_OTHER',
    OUT_OF_ORDER: 'OUT_OF_ORDER',
    UNKNOWN_STATION: 'INVALID_CLIENT',
    STATION_NOT_APPROVED: 'INVALID_CLIENT',
    ALREADY_IN_USE: 'ACCOUNT_IN_USE',
    STATION_BUSY: 'STATION_BUSY',
    // The client's own text: "Login Failed: Unable to connect to ILS".
    ILS_UNAVAILABLE: 'CONNECTION_FAILURE',
  })[reason];

/** The settings every register_node reply carries (copied by the client into its `[session]`). */
const settings = {
  ClientBehavior: 'FCFS+RES',
  ReservationShowUsername: 'RSN',
  EnableClientSessionLocking: '0',
  EnableClientPasswordlessMode: '0',
  TermsOfService: '',
  TermsOfServiceDetails: '',
  BannerTopURL: '',
  BannerTopWidth: '',
  BannerTopHeight: '',
  BannerBottomURL: '',
  BannerBottomWidth: '',
  BannerBottomHeight: '',
  Logo: '',
  LogoWidth: '',
  LogoHeight: '',
  inactivityLogout: '',
  inactivityWarning: '',
  InternetConnectivityURLs: '',
  // Guests sign in with a printed pass typed as the card number, not by self-registration.
  EnableGuestSelfRegistration: '',
  // Off: client 2.4.0 never hides its small "time left" box when a session ends (TimerWindow::
  // stopTimer in timerwindow.cpp hides the window and tray icon but not the TimeSplash), so the
  // last session's minutes would stay on the login screen. The countdown stays visible in the
  // timer window and the tray icon (ShowTimeRemainingInTray) while a session runs.
  ShowTimeRemainingInSplash: '0',
  ShowTimeRemainingInTray: '1',
  ClientTimeNotificationFrequency: '5',
  ClientTimeWarningThreshold: '5',
  ClientTimeWarningFrequency: '1',
} as const;

/** The register_node reply: a known station is online (or suspended when out of order). */
export function registerReply(r: { registered: boolean; online: boolean; reservedFor: string }) {
  return {
    registered: r.registered ? 1 : 0,
    status: r.online ? 'online' : 'suspended',
    reserved_for: r.reservedFor,
    ...settings,
  };
}

export type LoginOutcome =
  | { ok: true; minutesLeft: number }
  | { ok: false; code: string }
  | { ok: false; waiting: string }
  /** A sentence of Carrel's own; the client shows it after "Login Failed: ". */
  | { ok: false; text: string };

export function loginReply(o: LoginOutcome) {
  if (o.ok) return { authenticated: 1, units: o.minutesLeft, hold_items_count: 0 };
  if ('text' in o) return { authenticated: 0, error: o.text };
  if ('waiting' in o)
    return {
      authenticated: 0,
      error: `This computer is held for someone else. You are on the waiting list: ticket ${o.waiting}.`,
    };
  return { authenticated: 0, error: o.code };
}

const closingText = (minutes: number) =>
  `The library closes in ${minutes} minutes. Please save your work now.`;

/** The get_user_data reply. A refused poll (other credentials) changes nothing on the client. */
export function pollReply(p: PollResult) {
  // Time up: 0 minutes makes the client send logout itself, as with Libki's own server.
  if (p.status === 'ended' && p.timeUp) return { status: 'Logged in', units: 0, messages: [] };
  if (p.status === 'ended') return { status: p.kicked ? 'Kicked' : 'Logged out', units: 0, messages: [] };
  if (p.status === 'refused') return { status: 'Refused', messages: [] };
  const messages: string[] = [];
  if (p.message !== null) messages.push(p.message);
  if (p.closingWarning !== null) messages.push(closingText(p.closingWarning));
  return { status: 'Logged in', units: p.minutesLeft, messages };
}

export const logoutReply = () => ({ logged_out: 1 });
export const printReply = () => ({ success: 0, error: 'PRINTING_NOT_OFFERED' });
