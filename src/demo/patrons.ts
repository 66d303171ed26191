// Demo patrons for a new installation: one per branch, one with an e-mail address, one with the
// age band "child", each with a generated PIN printed once. For the demo's convenience these PINs
// need not be changed at first sign-in (real registrations get a one-time PIN that must be).
import type { AppContext } from '../context.ts';
import { registerPatron } from '../features/patrons/patrons.service.ts';
import { generateOneTimePin } from '../features/patrons/pins.ts';
import type { RegisterPatronValues } from '../features/patrons/patrons.schemas.ts';

export interface SeededPatron {
  id: string;
  name: string;
  cardNumber: string;
  pin: string;
}

/** Creates the demo patrons; returns their card numbers and PINs, to be printed once. */
export async function seedDemoPatrons(ctx: AppContext): Promise<SeededPatron[]> {
  const branches = ctx.config.library.branches.map((b) => b.code);
  const bands = ctx.config.library.circulation.ageBands;
  const at = (i: number) => branches[i % branches.length]!;
  const demo: RegisterPatronValues[] = [
    { name: 'Dana Demo-Reader', homeBranch: at(0) },
    { name: 'Eli Demo-Borrower', homeBranch: at(1) },
    { name: 'Frankie Demo-Mailer', homeBranch: at(0), email: 'frankie.demo@example.org' },
    {
      name: 'Gio Demo-Junior',
      homeBranch: at(1),
      ...(bands.includes('child') ? { ageBand: 'child' } : {}),
    },
  ];
  const out: SeededPatron[] = [];
  for (const input of demo) {
    const pin = generateOneTimePin();
    // The system actor: seeding is not a staff view of a record, so nothing goes to the access log.
    const { patron } = await registerPatron(ctx, { kind: 'system' }, { ...input, pin });
    out.push({ id: patron.id, name: patron.name, cardNumber: patron.cardNumber, pin });
  }
  return out;
}
