// Framing and charsets: split reads, several messages per read, CR/CRLF/LF, overlong input, and
// accented names in UTF-8 and IBM850 (code page 850), through to the checksum over the bytes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeText, encodeText } from './charset.ts';
import { encodeFrame, SipFrameReader, type Frame } from './framing.ts';
import { parseMessage } from './message.ts';
import { formatSipDate, parseSipDate } from './sip-date.ts';

const texts = (frames: Frame[]): string[] => frames.map((f) => (f.ok ? f.text : `!${f.error}`));

describe('framing', () => {
  test('one message per CR, CRLF or LF; blank lines are not messages', () => {
    const r = new SipFrameReader();
    assert.deepEqual(texts(r.push(Buffer.from('9900302.00\r9300CNa|COb|\r\n2300\n\r\n'))), [
      '9900302.00',
      '9300CNa|COb|',
      '2300',
    ]);
    assert.equal(r.pending, 0);
  });

  test('a message split over reads, byte by byte, including a CRLF split between reads', () => {
    const r = new SipFrameReader();
    const out: Frame[] = [];
    for (const b of Buffer.from('9300CNOV|COOV|CPWES|AY1AZF86B\r\n9900302.00AY2AZFCA4\r'))
      out.push(...r.push(Buffer.from([b])));
    assert.deepEqual(texts(out), ['9300CNOV|COOV|CPWES|AY1AZF86B', '9900302.00AY2AZFCA4']);
  });

  test('a UTF-8 character split across reads is decoded whole', () => {
    const bytes = Buffer.from('24AEZoë\r', 'utf8');
    const cut = bytes.indexOf(0xc3) + 1;
    const r = new SipFrameReader();
    assert.deepEqual(texts([...r.push(bytes.subarray(0, cut)), ...r.push(bytes.subarray(cut))]), ['24AEZoë']);
  });

  test('overlong input is refused as it arrives, not buffered, and the next message still reads', () => {
    const r = new SipFrameReader({ maxBytes: 32 });
    assert.deepEqual(texts(r.push(Buffer.from('x'.repeat(20)))), []);
    assert.deepEqual(texts(r.push(Buffer.from('x'.repeat(20)))), ['!too-long']);
    assert.equal(r.pending, 0);
    // The rest of the overlong message is dropped without being held.
    for (let i = 0; i < 100; i++) assert.deepEqual(r.push(Buffer.from('y'.repeat(1000))), []);
    assert.equal(r.pending, 0);
    assert.deepEqual(texts(r.push(Buffer.from('zz\r9900302.00\r'))), ['9900302.00']);
  });

  test('a message of exactly the maximum is accepted', () => {
    const r = new SipFrameReader({ maxBytes: 10 });
    assert.deepEqual(texts(r.push(Buffer.from('9900302.00\r01234567890\r'))), ['9900302.00', '!too-long']);
  });
});

describe('charsets', () => {
  const name = 'Zoë Müller-Ñúñez Ærø';

  test('IBM850 encodes accented letters as code page 850 bytes, both ways', () => {
    assert.deepEqual([...encodeText('ëüÑé', 'ibm850')], [0x89, 0x81, 0xa5, 0x82]);
    assert.equal(decodeText(encodeText(name, 'ibm850'), 'ibm850'), name);
    assert.equal(decodeText(encodeText(name, 'utf8'), 'utf8'), name);
  });

  for (const charset of ['utf8', 'ibm850'] as const) {
    test(`a patron name travels in ${charset}, with a checksum over that charset's bytes`, () => {
      const msg = {
        code: '24' as const,
        patronStatus: ' '.repeat(14),
        language: '001',
        transactionDate: '20260105    143000',
        institutionId: 'CARREL',
        patronIdentifier: '2100',
        personalName: name,
      };
      const bytes = encodeFrame(msg, { charset, sequence: 3 });
      assert.equal(bytes.includes(Buffer.from('ë', 'utf8')), charset === 'utf8');
      const [frame] = new SipFrameReader({ charset }).push(bytes);
      assert.ok(frame?.ok);
      const r = parseMessage(frame.text, { charset });
      assert.ok(r.ok);
      assert.equal(r.sequence, 3);
      assert.deepEqual(r.message, msg);
      // The checksum is over the bytes, so checking it against the other charset's bytes fails.
      const other = charset === 'utf8' ? 'ibm850' : 'utf8';
      assert.equal(parseMessage(frame.text, { charset: other }).ok, false);
    });
  }
});

describe('SIP dates', () => {
  const at = new Date('2026-07-01T16:05:09Z');

  test('UTC with zone "   Z", or local time with a blank zone', () => {
    assert.equal(formatSipDate(at), '20260701   Z160509');
    assert.equal(formatSipDate(at, 'America/Chicago'), '20260701    110509');
    assert.equal(formatSipDate(at, 'Europe/Paris'), '20260701    180509');
    assert.equal(formatSipDate(new Date('2026-01-01T00:30:00Z'), 'America/Chicago'), '20251231    183000');
  });

  test('read back in the same zone gives the same instant, across a DST change', () => {
    for (const tz of ['America/Chicago', 'Europe/Paris', 'Australia/Lord_Howe', 'UTC']) {
      for (const iso of [
        '2026-07-01T16:05:09Z',
        '2026-03-08T09:00:00Z',
        '2026-11-01T05:30:00Z',
        '2026-01-01T00:00:00Z',
      ]) {
        const d = new Date(iso);
        assert.equal(parseSipDate(formatSipDate(d, tz), tz)?.toISOString(), d.toISOString(), `${tz} ${iso}`);
      }
    }
    assert.equal(
      parseSipDate('20260701   Z160509', 'America/Chicago')?.toISOString(),
      '2026-07-01T16:05:09.000Z',
    );
  });

  test('blank or impossible dates are not dates', () => {
    assert.equal(parseSipDate(' '.repeat(18), 'UTC'), undefined);
    assert.equal(parseSipDate('20260230    120000', 'UTC'), undefined);
    assert.equal(parseSipDate('20260101    250000', 'UTC'), undefined);
    assert.equal(parseSipDate('2026010112000', 'UTC'), undefined);
  });
});
