// Staff and in-branch network lists (issue 5 item 1): IPv4, IPv6, single addresses, mapped IPv4.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BlockList } from 'node:net';
import { parseCidrList } from './networks.ts';

const config = `
# Branch networks
10.20.0.0/16          # main branch
192.168.5.0/24, 192.168.6.7
2001:db8:abcd::/48
fe80::/10
203.0.113.9/32
`;

test('IPv4 and IPv6 ranges and single addresses match, neighbours do not', () => {
  const { list, problems } = parseCidrList(config);
  assert.deepEqual(problems, []);
  assert.equal(list.size, 6);
  for (const ip of [
    '10.20.0.1',
    '10.20.255.254',
    '192.168.5.200',
    '192.168.6.7',
    '203.0.113.9',
    '2001:db8:abcd::1',
    '2001:DB8:ABCD:FFFF:1:2:3:4',
    '2001:0db8:abcd:0000:0000:0000:0000:0001',
    'fe80::1%eth0', // link-local with a zone index
    '[2001:db8:abcd::5]',
  ]) {
    assert.equal(list.matches(ip), true, ip);
  }
  for (const ip of ['10.21.0.1', '192.168.6.8', '203.0.113.10', '2001:db8:abce::1', '8.8.8.8', '::1']) {
    assert.equal(list.matches(ip), false, ip);
  }
});

test('IPv4-mapped IPv6 addresses from dual-stack sockets match IPv4 rules', () => {
  const { list } = parseCidrList('10.0.0.0/8');
  assert.equal(list.matches('::ffff:10.0.0.1'), true);
  assert.equal(list.matches('::FFFF:10.9.8.7'), true);
  assert.equal(list.matches('::ffff:11.0.0.1'), false);
  assert.equal(list.matches('::ffff:a00:1'), true); // the same mapped address written in hex
  const mapped = parseCidrList('::ffff:192.0.2.0/120').list;
  assert.equal(mapped.matches('192.0.2.44'), true);
});

test('catch-all and host-bit ranges behave as written', () => {
  const all = parseCidrList('0.0.0.0/0').list;
  assert.equal(all.matches('198.51.100.1'), true);
  assert.equal(all.matches('2001:db8::1'), false); // an IPv4 rule says nothing about IPv6
  const hostBits = parseCidrList('10.0.0.5/8').list; // host bits are ignored
  assert.equal(hostBits.matches('10.200.1.1'), true);
});

test('bad entries are reported with their line and skipped; the rest still works', () => {
  const { list, problems } = parseCidrList(
    [
      '10.0.0.0/8',
      '10.0.0.0/33',
      '2001:db8::/129',
      'example.org',
      '300.1.1.1',
      '10.0.0.0/x',
      '1.2.3.4/-1',
    ].join('\n'),
  );
  assert.equal(list.size, 1);
  assert.deepEqual(problems, [
    'line 2: "10.0.0.0/33" has a prefix length outside 0–32',
    'line 3: "2001:db8::/129" has a prefix length outside 0–128',
    'line 4: "example.org" is not an IP address or CIDR range',
    'line 5: "300.1.1.1" is not an IP address or CIDR range',
    'line 6: "10.0.0.0/x" has a prefix length outside 0–32',
    'line 7: "1.2.3.4/-1" has a prefix length outside 0–32',
  ]);
  assert.equal(list.matches('10.1.1.1'), true);
});

test('empty lists and garbage addresses never match', () => {
  const empty = parseCidrList('  \n# nothing here\n').list;
  assert.equal(empty.size, 0);
  assert.equal(empty.matches('10.0.0.1'), false);
  const { list } = parseCidrList('0.0.0.0/0\n::/0');
  for (const ip of ['', 'garbage', '10.0.0', '1.2.3.4.5', '::ffff:999.1.1.1', 'x'.repeat(10_000)]) {
    assert.equal(list.matches(ip), false, ip.slice(0, 20));
  }
  assert.equal(list.matches(undefined as unknown as string), false);
});

test('the IPv4 fast path agrees with BlockList on random addresses', () => {
  const text =
    '10.0.0.0/8\n172.16.0.0/12\n192.168.1.0/24\n198.51.100.7\n100.64.0.0/10\n0.0.0.0/1\n::ffff:203.0.113.0/120';
  const reference = new BlockList();
  for (const [net, prefix] of [
    ['10.0.0.0', 8],
    ['172.16.0.0', 12],
    ['192.168.1.0', 24],
    ['198.51.100.7', 32],
    ['100.64.0.0', 10],
    ['0.0.0.0', 1],
  ] as const) {
    reference.addSubnet(net, prefix, 'ipv4');
  }
  reference.addSubnet('203.0.113.0', 24, 'ipv4');
  const { list } = parseCidrList(text);
  let seed = 42;
  const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
  const picks = [
    '10.1.2.3',
    '172.31.255.255',
    '172.32.0.0',
    '192.168.1.255',
    '192.168.2.0',
    '198.51.100.7',
    '198.51.100.8',
    '203.0.113.77',
  ];
  for (let i = 0; i < 5000; i++) {
    const n = next();
    const ip = i < picks.length ? picks[i]! : `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
    assert.equal(list.matches(ip), reference.check(ip, 'ipv4'), ip);
    assert.equal(list.matches(`::ffff:${ip}`), reference.check(ip, 'ipv4'), ip);
  }
});
