// The codec: the public checksum vectors, a round trip of every message type, the fields real
// terminals send, and the typed errors for malformed input.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appendTrailer, sipChecksum, splitTrailer } from './checksum.ts';
import { formatMessage, formatWithTrailer, parseMessage, type ParseResult } from './message.ts';
import { MESSAGE_SPECS, type MessageCode, type SipMessage } from './spec.ts';
import { formatPatronStatus, formatSummary, parsePatronStatus, parseSummary } from './status.ts';

const D = '20260105    143000';
const DZ = '20260105   Z133000';

function parsed(r: ParseResult): SipMessage {
  if (!r.ok) assert.fail(`parse failed: ${r.error.code} ${r.error.reason}`);
  return r.message;
}

describe('checksum', () => {
  test('the public vectors', () => {
    assert.equal(sipChecksum('9300CNOV|COOV|CPWES|AY1AZ'), 'F86B');
    assert.equal(sipChecksum('9900302.00AY2AZ'), 'FCA4');
    assert.equal(appendTrailer('9300CNOV|COOV|CPWES|', 1), '9300CNOV|COOV|CPWES|AY1AZF86B');
    assert.equal(appendTrailer('9900302.00', 2), '9900302.00AY2AZFCA4');
    assert.equal(appendTrailer('96', undefined), '96AZFEF6');
  });

  test('verification accepts good and lower-case checksums and refuses a changed byte', () => {
    assert.deepEqual(splitTrailer('9900302.00AY2AZFCA4'), {
      body: '9900302.00',
      sequence: 2,
      hasChecksum: true,
      checksumValid: true,
    });
    assert.equal(splitTrailer('9900302.00AY2AZfca4').checksumValid, true);
    assert.equal(splitTrailer('9900302.01AY2AZFCA4').checksumValid, false);
    assert.equal(splitTrailer('9900302.00').hasChecksum, false);
  });

  test('a parsed message reports its sequence and a bad checksum is a typed error', () => {
    const good = parseMessage('9300CNOV|COOV|CPWES|AY1AZF86B');
    assert.ok(good.ok);
    assert.equal(good.sequence, 1);
    assert.equal(good.hasChecksum, true);
    assert.deepEqual(good.message, {
      code: '93',
      uidAlgorithm: '0',
      pwdAlgorithm: '0',
      loginUserId: 'OV',
      loginPassword: 'OV',
      locationCode: 'WES',
    });
    const bad = parseMessage('9300CNOV|COOX|CPWES|AY1AZF86B');
    assert.deepEqual(bad, {
      ok: false,
      error: { code: 'bad-checksum', reason: 'checksum does not match', messageCode: '93', sequence: 1 },
    });
  });

  test('messages without error detection parse, and the sequence must be one digit', () => {
    const r = parseMessage('9900302.00');
    assert.ok(r.ok);
    assert.equal(r.hasChecksum, false);
    assert.equal(r.sequence, undefined);
    assert.throws(() => appendTrailer('99', 10), RangeError);
  });
});

// One example of every message, with every kind of field the table knows.
const samples: { [C in MessageCode]: Extract<SipMessage, { code: C }> } = {
  '93': {
    code: '93',
    uidAlgorithm: '0',
    pwdAlgorithm: '0',
    loginUserId: 'sc1',
    loginPassword: 'pw',
    locationCode: 'MAIN',
  },
  '94': { code: '94', ok: true },
  '99': { code: '99', statusCode: '0', maxPrintWidth: 30, protocolVersion: '2.00' },
  '98': {
    code: '98',
    onlineStatus: true,
    checkinOk: true,
    checkoutOk: true,
    acsRenewalPolicy: false,
    statusUpdateOk: false,
    offlineOk: false,
    timeoutPeriod: 10,
    retriesAllowed: 3,
    dateTimeSync: D,
    protocolVersion: '2.00',
    institutionId: 'CARREL',
    libraryName: 'Carrel Public Library',
    supportedMessages: 'YYYYYYYYYYYYYYYY',
    screenMessage: ['Welcome'],
  },
  '23': {
    code: '23',
    language: '001',
    transactionDate: D,
    institutionId: 'CARREL',
    patronIdentifier: '2100',
  },
  '24': {
    code: '24',
    patronStatus: '              ',
    language: '001',
    transactionDate: D,
    institutionId: 'CARREL',
    patronIdentifier: '2100',
    personalName: 'Zoë Müller',
    validPatron: true,
    validPatronPassword: false,
    currencyType: 'EUR',
    feeAmount: '1.50',
    screenMessage: ['one', 'two'],
    printLine: ['p'],
  },
  '63': {
    code: '63',
    language: '001',
    transactionDate: D,
    summary: ' Y        ',
    institutionId: 'CARREL',
    patronIdentifier: '2100',
    terminalPassword: 'tp',
    patronPassword: '1234',
    startItem: '1',
    endItem: '5',
  },
  '64': {
    code: '64',
    patronStatus: 'Y             ',
    language: '001',
    transactionDate: DZ,
    holdItemsCount: 1,
    overdueItemsCount: 2,
    chargedItemsCount: 3,
    fineItemsCount: 0,
    recallItemsCount: 0,
    unavailableHoldsCount: 4,
    institutionId: 'CARREL',
    patronIdentifier: '2100',
    personalName: 'Ana',
    holdItemsLimit: '0010',
    validPatron: true,
    validPatronPassword: true,
    feeLimit: '5.00',
    holdItems: ['h1'],
    overdueItems: ['o1', 'o2'],
    chargedItems: ['c1', 'c2', 'c3'],
    fineItems: ['f1'],
    recallItems: ['r1'],
    unavailableHoldItems: ['u1', 'u2'],
    homeAddress: '1 Main St',
    emailAddress: 'ana@example.org',
    homePhoneNumber: '555',
    screenMessage: ['hi'],
  },
  '35': {
    code: '35',
    transactionDate: D,
    institutionId: 'CARREL',
    patronIdentifier: '2100',
    patronPassword: '1',
  },
  '36': {
    code: '36',
    endSession: true,
    transactionDate: D,
    institutionId: 'CARREL',
    patronIdentifier: '2100',
  },
  '17': {
    code: '17',
    transactionDate: D,
    institutionId: 'CARREL',
    itemIdentifier: '3100',
    terminalPassword: 'x',
  },
  '18': {
    code: '18',
    circulationStatus: '03',
    securityMarker: '02',
    feeType: '01',
    transactionDate: D,
    holdQueueLength: '2',
    dueDate: DZ,
    itemIdentifier: '3100',
    titleIdentifier: 'Les Misérables',
    owner: 'CARREL',
    mediaType: '001',
    permanentLocation: 'MAIN',
    currentLocation: 'MAIN',
  },
  '11': {
    code: '11',
    scRenewalPolicy: true,
    noBlock: false,
    transactionDate: D,
    nbDueDate: '                  ',
    institutionId: 'CARREL',
    patronIdentifier: '2100',
    itemIdentifier: '3100',
    terminalPassword: '',
    feeAcknowledged: true,
    cancel: false,
  },
  '12': {
    code: '12',
    ok: true,
    renewalOk: false,
    magneticMedia: 'U',
    desensitize: 'Y',
    transactionDate: D,
    institutionId: 'CARREL',
    patronIdentifier: '2100',
    itemIdentifier: '3100',
    titleIdentifier: 'T',
    dueDate: '20260119    235959',
    securityInhibit: false,
    transactionId: 'L1',
  },
  '09': {
    code: '09',
    noBlock: false,
    transactionDate: D,
    returnDate: D,
    currentLocation: 'MAIN',
    institutionId: 'CARREL',
    itemIdentifier: '3100',
    itemProperties: 'x',
    cancel: true,
  },
  '10': {
    code: '10',
    ok: true,
    resensitize: true,
    magneticMedia: 'N',
    alert: false,
    transactionDate: D,
    institutionId: 'CARREL',
    itemIdentifier: '3100',
    permanentLocation: 'MAIN',
    titleIdentifier: 'T',
    sortBin: 'B1',
  },
  '29': {
    code: '29',
    thirdPartyAllowed: false,
    noBlock: false,
    transactionDate: D,
    nbDueDate: '                  ',
    institutionId: 'CARREL',
    patronIdentifier: '2100',
    itemIdentifier: '3100',
  },
  '30': {
    code: '30',
    ok: false,
    renewalOk: false,
    magneticMedia: 'N',
    desensitize: 'N',
    transactionDate: D,
    institutionId: 'CARREL',
    patronIdentifier: '2100',
    itemIdentifier: '3100',
    titleIdentifier: '',
    dueDate: '',
    screenMessage: ['Item on hold for another patron'],
  },
  '15': {
    code: '15',
    holdMode: '+',
    transactionDate: D,
    pickupLocation: 'MAIN',
    holdType: '2',
    institutionId: 'CARREL',
    patronIdentifier: '2100',
    titleIdentifier: 'rec-1',
  },
  '16': {
    code: '16',
    ok: true,
    available: false,
    transactionDate: D,
    queuePosition: '3',
    pickupLocation: 'MAIN',
    institutionId: 'CARREL',
    patronIdentifier: '2100',
  },
  '96': { code: '96' },
  '97': { code: '97' },
};

describe('every message type', () => {
  for (const code of Object.keys(MESSAGE_SPECS) as MessageCode[]) {
    test(`${code} ${MESSAGE_SPECS[code].name} round-trips, with and without AY/AZ`, () => {
      const msg = samples[code];
      const text = formatMessage(msg);
      assert.deepEqual(parsed(parseMessage(text)), msg);
      assert.equal(formatMessage(parsed(parseMessage(text))), text);
      const withTrailer = formatWithTrailer(msg, { sequence: 7 });
      const r = parseMessage(withTrailer);
      assert.ok(r.ok);
      assert.equal(r.sequence, 7);
      assert.deepEqual(r.message, msg);
    });
  }
});

describe('fields', () => {
  test('fixed fields are read by position', () => {
    const m = parsed(parseMessage(`6300120260105    143000  Y       AOCARREL|AA2100|AC|AD1234|`));
    assert.equal(m.code, '63');
    if (m.code !== '63') return;
    assert.equal(m.language, '001');
    assert.equal(m.transactionDate, D);
    assert.equal(parseSummary(m.summary), 'chargedItems');
    assert.equal(m.terminalPassword, '');
    assert.equal(m.patronPassword, '1234');
  });

  test('counts padded with spaces, or blank, are read leniently', () => {
    const m = parsed(parseMessage(`64${' '.repeat(14)}001${D}   2    0012  1 0000    AOX|AA1|AE|`));
    assert.ok(m.code === '64');
    const counts = [m.holdItemsCount, m.overdueItemsCount, m.chargedItemsCount, m.fineItemsCount];
    assert.deepEqual([...counts, m.recallItemsCount, m.unavailableHoldsCount], [2, 0, 12, 1, 0, 0]);
    const bad = parseMessage(`64${' '.repeat(14)}001${D}1 2 000000000000000000000AOX|AA1|AE|`);
    assert.equal(bad.ok === false && bad.error.reason, 'fixed field holdItemsCount is not a valid count');
  });

  test('unknown fields are kept, in order, and written back after the known ones', () => {
    const m = parsed(parseMessage('2300120260105    143000AOX|ZZfirst|AA1|XIinternal|AC|'));
    assert.deepEqual(m.unknownFields, [
      { id: 'ZZ', value: 'first' },
      { id: 'XI', value: 'internal' },
    ]);
    assert.equal(formatMessage(m), '2300120260105    143000AOX|AA1|AC|ZZfirst|XIinternal|');
  });

  test('a missing required field reads as empty and is written as present', () => {
    const m = parsed(parseMessage(`24${' '.repeat(14)}001${D}AOX|AA1|BLN|`));
    assert.ok(m.code === '24');
    assert.equal(m.personalName, '');
    assert.equal(m.validPatron, false);
    assert.equal(formatMessage(m), `24${' '.repeat(14)}001${D}AOX|AA1|AE|BLN|`);
  });

  test('a last field without its bar is accepted, and a repeated single field is kept as unknown', () => {
    const m = parsed(parseMessage('1720260105    143000AOX|ABone|ABtwo|ACpw'));
    assert.ok(m.code === '17');
    assert.equal(m.itemIdentifier, 'one');
    assert.equal(m.terminalPassword, 'pw');
    assert.deepEqual(m.unknownFields, [{ id: 'AB', value: 'two' }]);
  });

  test('values cannot break out of their field', () => {
    const text = formatMessage({ ...samples['24'], personalName: 'Evil|BLY\rname' });
    assert.match(text, /AEEvil BLY name\|/);
    assert.equal(parsed(parseMessage(text)).code, '24');
  });

  test('a count too wide is capped, and a fixed field of the wrong length is a programming error', () => {
    assert.match(
      formatMessage({ ...samples['64'], chargedItemsCount: 12345 }),
      /^64.{14}001.{18}000100029999/,
    );
    assert.throws(() => formatMessage({ ...samples['23'], language: '1' }), RangeError);
  });

  test('patron status and summary helpers', () => {
    const s = formatPatronStatus(['chargePrivilegesDenied', 'cardReportedLost', 'tooManyItemsBilled']);
    assert.equal(s, 'Y   Y        Y');
    assert.deepEqual(
      [...parsePatronStatus(s)],
      ['chargePrivilegesDenied', 'cardReportedLost', 'tooManyItemsBilled'],
    );
    assert.equal(formatSummary('fineItems'), '   Y      ');
    assert.equal(formatSummary(), ' '.repeat(10));
    assert.equal(parseSummary(' '.repeat(10)), undefined);
  });
});

describe('malformed input is a typed error, never a throw', () => {
  const cases: Array<[string, string, string]> = [
    ['', 'empty', 'empty message'],
    ['X', 'unknown-message', 'unsupported message code "X"'],
    ['01N20260105    143000AOX|', 'unknown-message', 'unsupported message code "01"'],
    ['2300120260105', 'truncated', 'message ends inside fixed field transactionDate'],
    ['94', 'truncated', 'message ends inside fixed field ok'],
    ['94Y', 'bad-fixed-field', 'fixed field ok is not a valid bit'],
    ['36X20260105    143000AOX|AA1|', 'bad-fixed-field', 'fixed field endSession is not a valid flag'],
    ['9900A02.00', 'bad-fixed-field', 'fixed field maxPrintWidth is not a valid count'],
    ['2300120260105    143000AOX|A|', 'bad-field', 'field shorter than its two-letter id'],
    [`24${' '.repeat(14)}001${D}AOX|AA1|AE|BLmaybe|`, 'bad-field', 'field BL must be Y or N'],
  ];
  for (const [input, code, reason] of cases) {
    test(`${JSON.stringify(input)} → ${code}`, () => {
      const r = parseMessage(input);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.error.code, code);
      assert.equal(r.error.reason, reason);
    });
  }

  test('random bytes never throw', () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const alphabet = '0123456789|AYZOBNY \u00e9';
    const codes = Object.keys(MESSAGE_SPECS);
    for (let i = 0; i < 2000; i++) {
      let s = codes[Math.floor(rnd() * codes.length)]!;
      const n = Math.floor(rnd() * 60);
      for (let j = 0; j < n; j++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      const r = parseMessage(s);
      assert.equal(typeof r.ok, 'boolean');
    }
  });
});
