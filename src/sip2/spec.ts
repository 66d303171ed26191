// The SIP2 2.00 messages Carrel speaks, as data: each message's fixed-position fields (name,
// length, kind) in wire order, then its variable fields (two-letter id, name, mode) in the order
// the 3M SIP2 Developer's Guide lists them. The codec (message.ts) and the TypeScript types of
// every message are both derived from this one table, so a field is added in one place.
// Checked against the 3M guide's layouts as implemented by Evergreen's SIPServer
// (Sip/MsgType.pm templates, Sip/Constants.pm field ids) and Koha's C4/SIP.

/**
 * How a fixed field is read: `text` as is; `flag` Y/N as a boolean; `bit` 1/0 as a boolean
 * (the ok fields of responses); `ynu` Y/N/U kept as the letter; `count` zero-padded digits as a
 * number; `date` the 18-character SIP date kept as text (see sip-date.ts), since terminals send
 * blanks for "no date".
 */
export type FixedKind = 'text' | 'flag' | 'bit' | 'ynu' | 'count' | 'date';

/**
 * How a variable field is kept: `req` always present as a string (written even when empty, read
 * as "" when missing); `opt` an optional string; `rep` repeatable, an array in wire order;
 * `flag` an optional Y/N boolean.
 */
export type VarMode = 'req' | 'opt' | 'rep' | 'flag';

export type FixedSpec = readonly [name: string, length: number, kind: FixedKind];
export type VarSpec = readonly [id: string, name: string, mode: VarMode];
export interface MessageSpec {
  readonly name: string;
  readonly fixed: readonly FixedSpec[];
  readonly vars: readonly VarSpec[];
}

const AF = ['AF', 'screenMessage', 'rep'] as const;
const AG = ['AG', 'printLine', 'rep'] as const;
const AO = ['AO', 'institutionId', 'req'] as const;
const AA = ['AA', 'patronIdentifier', 'req'] as const;
const AB = ['AB', 'itemIdentifier', 'req'] as const;
const AC = ['AC', 'terminalPassword', 'opt'] as const;
const AD = ['AD', 'patronPassword', 'opt'] as const;
const DATE = ['transactionDate', 18, 'date'] as const;

/** Every message by its two-digit code. */
export const MESSAGE_SPECS = {
  '93': {
    name: 'Login',
    fixed: [
      ['uidAlgorithm', 1, 'text'],
      ['pwdAlgorithm', 1, 'text'],
    ],
    vars: [
      ['CN', 'loginUserId', 'req'],
      ['CO', 'loginPassword', 'req'],
      ['CP', 'locationCode', 'opt'],
    ],
  },
  '94': { name: 'Login Response', fixed: [['ok', 1, 'bit']], vars: [] },
  '99': {
    name: 'SC Status',
    fixed: [
      ['statusCode', 1, 'text'],
      ['maxPrintWidth', 3, 'count'],
      ['protocolVersion', 4, 'text'],
    ],
    vars: [],
  },
  '98': {
    name: 'ACS Status',
    fixed: [
      ['onlineStatus', 1, 'flag'],
      ['checkinOk', 1, 'flag'],
      ['checkoutOk', 1, 'flag'],
      ['acsRenewalPolicy', 1, 'flag'],
      ['statusUpdateOk', 1, 'flag'],
      ['offlineOk', 1, 'flag'],
      ['timeoutPeriod', 3, 'count'],
      ['retriesAllowed', 3, 'count'],
      ['dateTimeSync', 18, 'date'],
      ['protocolVersion', 4, 'text'],
    ],
    vars: [
      AO,
      ['AM', 'libraryName', 'opt'],
      ['BX', 'supportedMessages', 'opt'],
      ['AN', 'terminalLocation', 'opt'],
      AF,
      AG,
    ],
  },
  '23': { name: 'Patron Status Request', fixed: [['language', 3, 'text'], DATE], vars: [AO, AA, AC, AD] },
  '24': {
    name: 'Patron Status Response',
    fixed: [['patronStatus', 14, 'text'], ['language', 3, 'text'], DATE],
    vars: [
      AO,
      AA,
      ['AE', 'personalName', 'req'],
      ['BL', 'validPatron', 'flag'],
      ['CQ', 'validPatronPassword', 'flag'],
      ['BH', 'currencyType', 'opt'],
      ['BV', 'feeAmount', 'opt'],
      AF,
      AG,
    ],
  },
  '63': {
    name: 'Patron Information',
    fixed: [['language', 3, 'text'], DATE, ['summary', 10, 'text']],
    vars: [AO, AA, AC, AD, ['BP', 'startItem', 'opt'], ['BQ', 'endItem', 'opt']],
  },
  '64': {
    name: 'Patron Information Response',
    fixed: [
      ['patronStatus', 14, 'text'],
      ['language', 3, 'text'],
      DATE,
      ['holdItemsCount', 4, 'count'],
      ['overdueItemsCount', 4, 'count'],
      ['chargedItemsCount', 4, 'count'],
      ['fineItemsCount', 4, 'count'],
      ['recallItemsCount', 4, 'count'],
      ['unavailableHoldsCount', 4, 'count'],
    ],
    vars: [
      AO,
      AA,
      ['AE', 'personalName', 'req'],
      ['BZ', 'holdItemsLimit', 'opt'],
      ['CA', 'overdueItemsLimit', 'opt'],
      ['CB', 'chargedItemsLimit', 'opt'],
      ['BL', 'validPatron', 'flag'],
      ['CQ', 'validPatronPassword', 'flag'],
      ['BH', 'currencyType', 'opt'],
      ['BV', 'feeAmount', 'opt'],
      ['CC', 'feeLimit', 'opt'],
      ['AS', 'holdItems', 'rep'],
      ['AT', 'overdueItems', 'rep'],
      ['AU', 'chargedItems', 'rep'],
      ['AV', 'fineItems', 'rep'],
      ['BU', 'recallItems', 'rep'],
      ['CD', 'unavailableHoldItems', 'rep'],
      ['BD', 'homeAddress', 'opt'],
      ['BE', 'emailAddress', 'opt'],
      ['BF', 'homePhoneNumber', 'opt'],
      // Not in the 3M guide: the patron category, as Koha and Evergreen send it.
      ['PC', 'patronCategory', 'opt'],
      AF,
      AG,
    ],
  },
  '35': { name: 'End Patron Session', fixed: [DATE], vars: [AO, AA, AC, AD] },
  '36': { name: 'End Session Response', fixed: [['endSession', 1, 'flag'], DATE], vars: [AO, AA, AF, AG] },
  '17': { name: 'Item Information', fixed: [DATE], vars: [AO, AB, AC] },
  '18': {
    name: 'Item Information Response',
    fixed: [['circulationStatus', 2, 'text'], ['securityMarker', 2, 'text'], ['feeType', 2, 'text'], DATE],
    vars: [
      ['CF', 'holdQueueLength', 'opt'],
      ['AH', 'dueDate', 'opt'],
      ['CJ', 'recallDate', 'opt'],
      ['CM', 'holdPickupDate', 'opt'],
      AB,
      ['AJ', 'titleIdentifier', 'req'],
      ['BG', 'owner', 'opt'],
      ['BH', 'currencyType', 'opt'],
      ['BV', 'feeAmount', 'opt'],
      ['CK', 'mediaType', 'opt'],
      ['AQ', 'permanentLocation', 'opt'],
      ['AP', 'currentLocation', 'opt'],
      ['CH', 'itemProperties', 'opt'],
      AF,
      AG,
    ],
  },
  '11': {
    name: 'Checkout',
    fixed: [['scRenewalPolicy', 1, 'flag'], ['noBlock', 1, 'flag'], DATE, ['nbDueDate', 18, 'date']],
    vars: [
      AO,
      AA,
      AB,
      AC,
      ['CH', 'itemProperties', 'opt'],
      AD,
      ['BO', 'feeAcknowledged', 'flag'],
      ['BI', 'cancel', 'flag'],
    ],
  },
  '12': {
    name: 'Checkout Response',
    fixed: [
      ['ok', 1, 'bit'],
      ['renewalOk', 1, 'flag'],
      ['magneticMedia', 1, 'ynu'],
      ['desensitize', 1, 'ynu'],
      DATE,
    ],
    vars: [
      AO,
      AA,
      AB,
      ['AJ', 'titleIdentifier', 'req'],
      ['AH', 'dueDate', 'req'],
      ['BT', 'feeType', 'opt'],
      ['CI', 'securityInhibit', 'flag'],
      ['BH', 'currencyType', 'opt'],
      ['BV', 'feeAmount', 'opt'],
      ['CK', 'mediaType', 'opt'],
      ['CH', 'itemProperties', 'opt'],
      ['BK', 'transactionId', 'opt'],
      AF,
      AG,
    ],
  },
  '09': {
    name: 'Checkin',
    fixed: [['noBlock', 1, 'flag'], DATE, ['returnDate', 18, 'date']],
    vars: [
      ['AP', 'currentLocation', 'req'],
      AO,
      AB,
      AC,
      ['CH', 'itemProperties', 'opt'],
      ['BI', 'cancel', 'flag'],
    ],
  },
  '10': {
    name: 'Checkin Response',
    fixed: [
      ['ok', 1, 'bit'],
      ['resensitize', 1, 'flag'],
      ['magneticMedia', 1, 'ynu'],
      ['alert', 1, 'flag'],
      DATE,
    ],
    vars: [
      AO,
      AB,
      ['AQ', 'permanentLocation', 'req'],
      ['AJ', 'titleIdentifier', 'opt'],
      ['AA', 'patronIdentifier', 'opt'],
      ['CK', 'mediaType', 'opt'],
      ['CH', 'itemProperties', 'opt'],
      ['CL', 'sortBin', 'opt'],
      AF,
      AG,
    ],
  },
  '29': {
    name: 'Renew',
    fixed: [['thirdPartyAllowed', 1, 'flag'], ['noBlock', 1, 'flag'], DATE, ['nbDueDate', 18, 'date']],
    vars: [
      AO,
      AA,
      AD,
      ['AB', 'itemIdentifier', 'opt'],
      ['AJ', 'titleIdentifier', 'opt'],
      AC,
      ['CH', 'itemProperties', 'opt'],
      ['BO', 'feeAcknowledged', 'flag'],
    ],
  },
  '30': {
    name: 'Renew Response',
    fixed: [
      ['ok', 1, 'bit'],
      ['renewalOk', 1, 'flag'],
      ['magneticMedia', 1, 'ynu'],
      ['desensitize', 1, 'ynu'],
      DATE,
    ],
    vars: [
      AO,
      AA,
      AB,
      ['AJ', 'titleIdentifier', 'req'],
      ['AH', 'dueDate', 'req'],
      ['BT', 'feeType', 'opt'],
      ['CI', 'securityInhibit', 'flag'],
      ['BH', 'currencyType', 'opt'],
      ['BV', 'feeAmount', 'opt'],
      ['CK', 'mediaType', 'opt'],
      ['CH', 'itemProperties', 'opt'],
      ['BK', 'transactionId', 'opt'],
      AF,
      AG,
    ],
  },
  '15': {
    name: 'Hold',
    fixed: [['holdMode', 1, 'text'], DATE],
    vars: [
      ['BW', 'expirationDate', 'opt'],
      ['BS', 'pickupLocation', 'opt'],
      ['BY', 'holdType', 'opt'],
      AO,
      AA,
      AD,
      ['AB', 'itemIdentifier', 'opt'],
      ['AJ', 'titleIdentifier', 'opt'],
      AC,
      ['BO', 'feeAcknowledged', 'flag'],
    ],
  },
  '16': {
    name: 'Hold Response',
    fixed: [['ok', 1, 'bit'], ['available', 1, 'flag'], DATE],
    vars: [
      ['BW', 'expirationDate', 'opt'],
      ['BR', 'queuePosition', 'opt'],
      ['BS', 'pickupLocation', 'opt'],
      AO,
      AA,
      ['AB', 'itemIdentifier', 'opt'],
      ['AJ', 'titleIdentifier', 'opt'],
      AF,
      AG,
    ],
  },
  '96': { name: 'Request SC Resend', fixed: [], vars: [] },
  '97': { name: 'Request ACS Resend', fixed: [], vars: [] },
} as const satisfies Record<string, MessageSpec>;

/** The two-digit code of every supported message. */
export type MessageCode = keyof typeof MESSAGE_SPECS;

interface KindTypes {
  text: string;
  flag: boolean;
  bit: boolean;
  ynu: 'Y' | 'N' | 'U';
  count: number;
  date: string;
}

type FixedOf<F extends readonly FixedSpec[]> = { [E in F[number] as E[0]]: KindTypes[E[2]] };
type RequiredVarsOf<V extends readonly VarSpec[]> = {
  [E in V[number] as E[2] extends 'req' ? E[1] : never]: string;
};
type OptionalVarsOf<V extends readonly VarSpec[]> = {
  [E in V[number] as E[2] extends 'req' ? never : E[1]]?: E[2] extends 'rep'
    ? string[]
    : E[2] extends 'flag'
      ? boolean
      : string;
};
type Flatten<T> = { [K in keyof T]: T[K] };

/** A field whose id this message does not define, kept so nothing a terminal sends is lost. */
export interface UnknownField {
  id: string;
  value: string;
}

/** The typed object of one message: its code, fixed fields, variable fields and unknown fields. */
export type SipMessageOf<C extends MessageCode> = Flatten<
  { code: C } & FixedOf<(typeof MESSAGE_SPECS)[C]['fixed']> &
    RequiredVarsOf<(typeof MESSAGE_SPECS)[C]['vars']> &
    OptionalVarsOf<(typeof MESSAGE_SPECS)[C]['vars']> & { unknownFields?: UnknownField[] }
>;

/** Any supported message, discriminated by `code`. */
export type SipMessage = { [C in MessageCode]: SipMessageOf<C> }[MessageCode];

export type LoginRequest = SipMessageOf<'93'>;
export type LoginResponse = SipMessageOf<'94'>;
export type ScStatusRequest = SipMessageOf<'99'>;
export type AcsStatusResponse = SipMessageOf<'98'>;
export type PatronStatusRequest = SipMessageOf<'23'>;
export type PatronStatusResponse = SipMessageOf<'24'>;
export type PatronInformationRequest = SipMessageOf<'63'>;
export type PatronInformationResponse = SipMessageOf<'64'>;
export type EndPatronSessionRequest = SipMessageOf<'35'>;
export type EndSessionResponse = SipMessageOf<'36'>;
export type ItemInformationRequest = SipMessageOf<'17'>;
export type ItemInformationResponse = SipMessageOf<'18'>;
export type CheckoutRequest = SipMessageOf<'11'>;
export type CheckoutResponse = SipMessageOf<'12'>;
export type CheckinRequest = SipMessageOf<'09'>;
export type CheckinResponse = SipMessageOf<'10'>;
export type RenewRequest = SipMessageOf<'29'>;
export type RenewResponse = SipMessageOf<'30'>;
export type HoldRequest = SipMessageOf<'15'>;
export type HoldResponse = SipMessageOf<'16'>;
export type RequestScResend = SipMessageOf<'96'>;
export type RequestAcsResend = SipMessageOf<'97'>;

/** The reply code that answers each request code. */
export const RESPONSE_CODE = {
  '93': '94',
  '99': '98',
  '23': '24',
  '63': '64',
  '35': '36',
  '17': '18',
  '11': '12',
  '09': '10',
  '29': '30',
  '15': '16',
} as const satisfies Partial<Record<MessageCode, MessageCode>>;

export type RequestCode = keyof typeof RESPONSE_CODE;

/** Whether a code is one of the supported messages. */
export const isMessageCode = (code: string): code is MessageCode => Object.hasOwn(MESSAGE_SPECS, code);
