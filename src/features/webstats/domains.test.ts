// The visitor's "Internet domain" (W2): PTR names reduced with the Public Suffix List.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { domainForDisplay, registrableDomain } from './domains.ts';

test('PTR names reduce to the registrable domain', () => {
  const cases: Array<[string, string]> = [
    ['host-7.dsl.xcompany.com', 'xcompany.com'],
    ['a.b.yourschool.edu', 'yourschool.edu'],
    ['x.y.co.uk', 'y.co.uk'],
    ['cpc123-brig4-2-0-cust45.3-3.cable.virginm.net', 'virginm.net'],
    ['c-73-162-10-5.hsd1.ca.comcast.net', 'comcast.net'],
    ['pool-100-8-1-2.nwrknj.fios.verizon.net', 'verizon.net'],
    ['p5dd3a1b2.dip0.t-ipconnect.de', 't-ipconnect.de'],
    ['ppp-1-2.wlan.mylibrary.lib.ny.us', 'mylibrary.lib.ny.us'], // multi-level public suffix
    ['dyn.users.example.com.au', 'example.com.au'],
    ['host.school.k12.ca.us', 'school.k12.ca.us'],
    ['a.b.c.kyoto.jp', 'c.kyoto.jp'], // wildcard-free city suffix
    ['x.city.kawasaki.jp', 'city.kawasaki.jp'], // exception rule !city.kawasaki.jp
    ['www.ck', 'www.ck'], // exception rule under the wildcard *.ck
    ['host.example.com.', 'example.com'], // fully qualified, as PTR answers are
    ['HOST.Example.COM', 'example.com'],
    ['mail_relay.example.org', 'example.org'],
    // Private-section suffixes are ignored so customer host names (often built from the IP) never
    // become the "domain".
    ['ec2-1-2-3-4.compute-1.amazonaws.com', 'amazonaws.com'],
    ['foo.blogspot.com', 'blogspot.com'],
  ];
  for (const [host, domain] of cases) assert.equal(registrableDomain(host), domain, host);
});

test('internationalized names come back in punycode, from either form', () => {
  assert.equal(registrableDomain('www.xn--85x722f.xn--fiqs8s'), 'xn--85x722f.xn--fiqs8s');
  assert.equal(registrableDomain('www.食狮.中国'), 'xn--85x722f.xn--fiqs8s');
  assert.equal(registrableDomain('dsl.пример.рф'), 'xn--e1afmkfd.xn--p1ai');
  assert.equal(registrableDomain('host.bücherei.de'), 'xn--bcherei-n2a.de');
  assert.equal(domainForDisplay('xn--bcherei-n2a.de'), 'bücherei.de');
  assert.equal(domainForDisplay('xcompany.com'), 'xcompany.com');
});

test('addresses, local names, bare suffixes and garbage give null', () => {
  const nulls = [
    '',
    '   ',
    '.',
    '1.2.3.4',
    '::1',
    '2001:db8::1',
    '[2001:db8::1]',
    'localhost',
    'foo.localhost',
    'router.lan',
    'ip-10-0-0-1.ec2.internal',
    'com',
    'co.uk',
    'x.ck', // *.ck makes x.ck itself a public suffix
    'a..b.com',
    '-bad-.com',
    'bad-.example.com',
    'a b.com',
    'evil.com/path',
    'evil.com?x',
    'evil.com\\x',
    'ev%69l.com',
    'user@example.com',
    'x'.repeat(64) + '.com', // label longer than 63
    `${'a.'.repeat(130)}com`, // name longer than 253
    '10-1-2-3.com', // a "domain" that spells an address
  ];
  for (const host of nulls) assert.equal(registrableDomain(host), null, host);
  assert.equal(registrableDomain(undefined as unknown as string), null);
});
