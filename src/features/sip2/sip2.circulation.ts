// SIP2 circulation messages (issue 14 item 8): 17 Item Information, 11 Checkout, 09 Checkin,
// 29 Renew and 15 Hold, through the same services as the desk (circulation.service.ts,
// holds.service.ts) with the machine's Sip2Actor, so every rule, count and privacy promise holds:
// a check-in deletes the loan and leaves no link between patron and item (C1). A refusal is the
// service's own sentence in AF, for the machine's screen.
import type { AppContext } from '../../context.ts';
import { DomainError } from '../../errors.ts';
import type { SipMessageOf } from '../../sip2/spec.ts';
import { checkIn, checkOut, renewLoan } from '../circulation/circulation.service.ts';
import { findLoanByItem } from '../circulation/circulation.repository.ts';
import { findHoldsOfPatron, findItemByBarcode } from '../circulation/holds.repository.ts';
import { cancelHold, placeHold } from '../circulation/holds.service.ts';
import { lookUpPatron } from './sip2.patrons.ts';
import { findItemInfo } from './sip2.repository.ts';
import type { Sip2Session } from './sip2.session.ts';

/** A domain refusal as the line for the machine's screen; anything else is not ours to show. */
function refusal(e: unknown): string {
  if (e instanceof DomainError) return e.message;
  throw e;
}

const WRONG_PIN = 'Wrong card number or PIN.';
const UNKNOWN_CARD = 'No patron has that card number.';

/** SIP2 circulation status of a copy. */
const CIRCULATION_STATUS: Record<string, string> = {
  available: '03',
  on_loan: '04',
  on_hold_shelf: '08',
  in_transit: '10',
  lost: '12',
  missing: '13',
};

/** 17 → 18: the copy's status, title, due date when on loan, and where it belongs. */
export async function itemInformation(
  ctx: AppContext,
  session: Sip2Session,
  req: SipMessageOf<'17'>,
): Promise<SipMessageOf<'18'>> {
  const item = req.itemIdentifier.trim() ? await findItemInfo(ctx.db, req.itemIdentifier.trim()) : undefined;
  if (!item)
    return {
      code: '18',
      circulationStatus: '01',
      securityMarker: '00',
      feeType: '01',
      transactionDate: session.now(),
      itemIdentifier: req.itemIdentifier,
      titleIdentifier: '',
      screenMessage: [`No item has the barcode ${req.itemIdentifier}.`],
    };
  return {
    code: '18',
    circulationStatus: CIRCULATION_STATUS[item.status] ?? '01',
    securityMarker: '02',
    feeType: '01',
    transactionDate: session.now(),
    ...(item.dueAt ? { dueDate: session.date(item.dueAt) } : {}),
    itemIdentifier: item.barcode,
    titleIdentifier: item.title,
    mediaType: item.materialType === 'book' ? '001' : '000',
    permanentLocation: item.branch,
  };
}

/** The patron of a circulation request, or the line why not (unknown card, wrong PIN). */
async function patronFor(ctx: AppContext, session: Sip2Session, card: string, pin: string | undefined) {
  const looked = await lookUpPatron(ctx, session, card, pin);
  if (!looked.patron) return { error: pin === undefined ? UNKNOWN_CARD : WRONG_PIN } as const;
  if (looked.pinOk === false) return { error: WRONG_PIN } as const;
  return { patron: looked.patron } as const;
}

/** 11 → 12. */
export async function checkout(
  ctx: AppContext,
  session: Sip2Session,
  req: SipMessageOf<'11'>,
): Promise<SipMessageOf<'12'>> {
  const reply = (ok: boolean, extra: Partial<SipMessageOf<'12'>>): SipMessageOf<'12'> => ({
    code: '12',
    ok,
    renewalOk: false,
    magneticMedia: 'N',
    desensitize: ok ? 'Y' : 'N',
    transactionDate: session.now(),
    institutionId: req.institutionId,
    patronIdentifier: req.patronIdentifier,
    itemIdentifier: req.itemIdentifier,
    titleIdentifier: '',
    dueDate: '',
    ...extra,
  });
  const who = await patronFor(ctx, session, req.patronIdentifier, req.patronPassword);
  if (who.error) return reply(false, { screenMessage: [who.error] });
  try {
    const done = await checkOut(ctx, session.actor, {
      branch: session.account.branch,
      barcode: req.itemIdentifier.trim(),
      patronId: who.patron.id,
    });
    return reply(true, { titleIdentifier: done.title, dueDate: session.date(done.dueAt) });
  } catch (e) {
    return reply(false, { screenMessage: [refusal(e)] });
  }
}

/** 09 → 10. The reply names no patron: the loan, and its link, are gone (C1). */
export async function checkin(
  ctx: AppContext,
  session: Sip2Session,
  req: SipMessageOf<'09'>,
): Promise<SipMessageOf<'10'>> {
  const base = {
    code: '10' as const,
    resensitize: false,
    magneticMedia: 'N' as const,
    transactionDate: session.now(),
    institutionId: req.institutionId,
    itemIdentifier: req.itemIdentifier,
  };
  try {
    const done = await checkIn(ctx, session.actor, {
      branch: session.account.branch,
      barcode: req.itemIdentifier.trim(),
    });
    const { route } = done;
    // Anything but "back on the shelf here" needs a person: the hold shelf, transit, damage.
    const alert = route.to !== 'shelf';
    const where =
      route.to === 'hold_shelf'
        ? 'Put this item on the hold shelf.'
        : route.to === 'transit'
          ? `Send this item to ${route.branch}.`
          : route.to === 'damaged'
            ? 'Set this item aside as damaged.'
            : undefined;
    return {
      ...base,
      ok: true,
      resensitize: route.to === 'shelf',
      alert,
      permanentLocation: route.to === 'transit' ? route.branch : session.account.branch,
      titleIdentifier: done.title,
      ...(where ? { screenMessage: [where] } : {}),
    };
  } catch (e) {
    return { ...base, ok: false, alert: false, permanentLocation: '', screenMessage: [refusal(e)] };
  }
}

/** 29 → 30: renews the patron's loan of the copy (AB). */
export async function renew(
  ctx: AppContext,
  session: Sip2Session,
  req: SipMessageOf<'29'>,
): Promise<SipMessageOf<'30'>> {
  const barcode = (req.itemIdentifier ?? '').trim();
  const reply = (ok: boolean, extra: Partial<SipMessageOf<'30'>>): SipMessageOf<'30'> => ({
    code: '30',
    ok,
    renewalOk: ok,
    magneticMedia: 'N',
    desensitize: 'U',
    transactionDate: session.now(),
    institutionId: req.institutionId,
    patronIdentifier: req.patronIdentifier,
    itemIdentifier: barcode,
    titleIdentifier: '',
    dueDate: '',
    ...extra,
  });
  const who = await patronFor(ctx, session, req.patronIdentifier, req.patronPassword);
  if (who.error) return reply(false, { screenMessage: [who.error] });
  const item = barcode ? await findItemByBarcode(ctx.db, barcode) : undefined;
  const loan = item ? await findLoanByItem(ctx.db, item.id) : undefined;
  if (!loan || loan.patron_id !== who.patron.id)
    return reply(false, { screenMessage: ['This item is not checked out to this card.'] });
  try {
    const done = await renewLoan(ctx, { kind: 'staff', actor: session.actor }, loan.id);
    return reply(true, { dueDate: session.date(done.dueAt) });
  } catch (e) {
    return reply(false, { screenMessage: [refusal(e)] });
  }
}

/** 15 → 16: `+` places a hold on the title of the copy (AB), `-` cancels it; `*` is refused. */
export async function hold(
  ctx: AppContext,
  session: Sip2Session,
  req: SipMessageOf<'15'>,
): Promise<SipMessageOf<'16'>> {
  const barcode = (req.itemIdentifier ?? '').trim();
  const reply = (ok: boolean, extra: Partial<SipMessageOf<'16'>>): SipMessageOf<'16'> => ({
    code: '16',
    ok,
    available: false,
    transactionDate: session.now(),
    institutionId: req.institutionId,
    patronIdentifier: req.patronIdentifier,
    ...(barcode ? { itemIdentifier: barcode } : {}),
    ...extra,
  });
  const who = await patronFor(ctx, session, req.patronIdentifier, req.patronPassword);
  if (who.error) return reply(false, { screenMessage: [who.error] });
  const item = barcode ? await findItemByBarcode(ctx.db, barcode) : undefined;
  if (!item) return reply(false, { screenMessage: ['Scan the barcode of a copy of the title.'] });
  const asStaff = { kind: 'staff' as const, actor: session.actor };
  try {
    if (req.holdMode === '+') {
      const pickup = req.pickupLocation?.trim() || session.account.branch;
      await placeHold(ctx, asStaff, { patronId: who.patron.id, bibId: item.bib_id, pickupBranch: pickup });
      return reply(true, { pickupLocation: pickup });
    }
    if (req.holdMode === '-') {
      const mine = (await findHoldsOfPatron(ctx.db, who.patron.id)).find((h) => h.bibId === item.bib_id);
      if (!mine) return reply(false, { screenMessage: ['There is no hold on this title for this card.'] });
      await cancelHold(ctx, asStaff, mine.id);
      return reply(true, {});
    }
    return reply(false, { screenMessage: ['Changing a hold is done at the desk or online.'] });
  } catch (e) {
    return reply(false, { screenMessage: [refusal(e)] });
  }
}
