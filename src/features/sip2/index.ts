// The SIP2 feature's manifest (issue 14 item 8): the server self-check machines talk to, its
// accounts table in the inventory, and `carrel sip2` commands.
import type { Feature } from '../../app/feature.ts';
import { sip2Command } from './sip2.cli.ts';
import { sip2Inventory } from './sip2.privacy.ts';
import { startConfiguredSip2 } from './sip2.server.ts';

export const sip2: Feature = {
  name: 'sip2',
  inventory: sip2Inventory,
  commands: (deps) => [sip2Command(deps)],
  // Where the web server runs, when SIP2_PORT or SIP2_PLAIN_PORT is set.
  services: [startConfiguredSip2],
};
