// Pure checks of the throttle's arithmetic and of what it counts as one source (A3, issue 12 item 7).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffMs, PAIR_RULE, throttleSource } from './throttle.ts';

test('an IPv6 address counts by its /64; IPv4 and mapped IPv4 by the address; other keys as they are', () => {
  assert.equal(throttleSource('2001:db8:66:1::1'), '2001:db8:66:1::/64');
  assert.equal(throttleSource('2001:0db8:0066:0001:ffff:1:2:3'), '2001:db8:66:1::/64');
  assert.equal(throttleSource('2001:DB8:66:1:0:0:0:9'), '2001:db8:66:1::/64');
  assert.equal(throttleSource('2001:db8::1'), '2001:db8:0:0::/64');
  assert.equal(throttleSource('::1'), '0:0:0:0::/64');
  assert.equal(throttleSource('fe80::1%eth0'), 'fe80:0:0:0::/64');
  assert.equal(throttleSource('64:ff9b::192.0.2.1'), '64:ff9b:0:0::/64');
  assert.equal(throttleSource('::ffff:203.0.113.5'), '203.0.113.5');
  assert.equal(throttleSource('203.0.113.5'), '203.0.113.5');
  assert.equal(throttleSource('session:abc'), 'session:abc');
  assert.notEqual(throttleSource('2001:db8:66:1::1'), throttleSource('2001:db8:66:2::1'));
});

test('back-off: free failures, then 1 s doubling up to the rule maximum', () => {
  assert.equal(backoffMs(3, PAIR_RULE), 0);
  assert.equal(backoffMs(4, PAIR_RULE), 1000);
  assert.equal(backoffMs(5, PAIR_RULE), 2000);
  assert.equal(backoffMs(40, PAIR_RULE), PAIR_RULE.maxDelayMs);
});
