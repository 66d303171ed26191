// PRIVACY R2 redaction on realistic "Ask a Librarian" traffic: every case says what must go and what a
// reference librarian needs to keep (call numbers, ISBNs, years, catalog links, the question itself).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findPersonalData, redactText, zip3, type KnownPersonalData } from './redact.ts';

interface Case {
  name: string;
  text: string;
  known?: KnownPersonalData;
  removed: string[];
  kept: string[];
  expected?: string;
}

const cases: Case[] = [
  {
    name: 'genealogy question: introduction, e-mail, phone and sign-off go; the research subject stays',
    text: "Hello,\nMy name is Margaret O'Brien and I'm researching my great-grandfather Patrick, who arrived in Boston in 1882. Do you have the 1880 and 1900 census microfilm (rolls 1234-1236)? My e-mail is maggie.obrien@example.net and my phone is 617-555-0142.\nThank you,\nMargaret",
    removed: ["Margaret O'Brien", 'maggie.obrien@example.net', '617-555-0142', '\nMargaret'],
    kept: [
      'Hello,',
      'great-grandfather Patrick',
      'Boston in 1882',
      '1880 and 1900',
      'rolls 1234-1236',
      'Thank you,',
    ],
  },
  {
    name: 'genealogy answer: greeting and librarian signature go; links, call number and roll stay',
    text: "Dear Ms. O'Brien,\nThe 1880 census for Suffolk County is on microfilm T9, roll 0556. See https://www.familysearch.org/search/collection/1417683 and our guide https://library.example.org/guides/genealogy?tab=census. Call number 929.1 OBR, open 9:00–5:00.\nBest regards,\nAnna Reyes\nReference Librarian",
    removed: ["Ms. O'Brien", 'Anna Reyes'],
    kept: [
      'Dear [name removed],',
      'microfilm T9, roll 0556',
      'https://www.familysearch.org/search/collection/1417683',
      'https://library.example.org/guides/genealogy?tab=census.',
      '929.1 OBR',
      'Reference Librarian',
    ],
  },
  {
    name: 'homework question: "I\'m Tyler" and a texted local number go; the assignment stays',
    text: "Hi! I'm Tyler, I need 5 sources on the Emancipation Proclamation for my 8th grade essay due 12/03/2024, pages 10-12. You can text me at 555-0199.",
    removed: ['Tyler', '555-0199'],
    kept: ['Hi!', '5 sources', 'Emancipation Proclamation', '8th grade', '12/03/2024', 'pages 10-12'],
  },
  {
    name: 'homework answer: the "-- " signature block goes whole; call numbers, ISBNs, pages and prices stay',
    text: 'Hi Tyler,\nTry The Emancipation Proclamation (973.714 FRA), ISBN 978-0-14-118776-1; Freedom (ISBN 0141187761); The Civil War, pp. 123-145 (2019–2020 edition), $12.50 at the book sale. Catalog: https://catalog.example.org/record/123.\nGood luck!\n-- \nCarrel Public Library Reference\n(555) 010-1234 | ask@library.example.org',
    removed: ['Tyler', '(555) 010-1234', 'ask@library.example.org', 'Carrel Public Library Reference'],
    kept: [
      '973.714 FRA',
      'ISBN 978-0-14-118776-1',
      'ISBN 0141187761',
      'pp. 123-145',
      '2019–2020',
      '$12.50',
      'https://catalog.example.org/record/123.',
      'Good luck!\n-- \n[signature removed]',
    ],
  },
  {
    name: 'pasted Outlook reply chain: From/To/Cc names and addresses go; Sent and Subject stay',
    text: 'Thanks, that worked!\n\nFrom: Ask a Librarian <ask@library.example.org>\nSent: Tuesday, November 4, 2026 9:15 AM\nTo: Jane Doe <jane.doe@example.com>\nCc: Robert Smith\nSubject: RE: Question about the 1920 city directory\n\nHi Jane,\nThe 1920 directory is on the 3rd floor.\n\n-----Original Message-----\nFrom: Doe, Jane [mailto:jane.doe@example.com]\nSent: Monday, November 3, 2026 4:40 PM\nTo: Ask a Librarian\nSubject: Question about the 1920 city directory\n\nDo you have the 1920 city directory? I live at 45 Elm Avenue, Apt 4.\nJane Doe\n555.867.5309',
    known: { names: ['Jane Doe'], emails: ['jane.doe@example.com'] },
    removed: ['Jane', 'Doe', 'Robert Smith', 'example.com', '45 Elm Avenue, Apt 4', '555.867.5309'],
    kept: [
      'Sent: Tuesday, November 4, 2026 9:15 AM',
      'Subject: RE: Question about the 1920 city directory',
      'To: Ask a Librarian\n',
      'The 1920 directory is on the 3rd floor.',
      '-----Original Message-----',
      'Cc: [name removed]',
      'From: [name removed] [[e-mail removed]]',
    ],
  },
  {
    name: 'Gmail "On … wrote:" chain, wrapped and quoted twice: sender names and addresses go',
    text: 'Thank you so much!\n\nOn Mon, Nov 3, 2026 at 10:02 AM Carrel Library <ask@library.example.org> wrote:\n> Hi Sam,\n> Your hold on The Overstory is ready until Nov 10.\n>\n> On Sun, 2 Nov 2026 at 18:45, Samuel Park <sam.park@example.com>\n> wrote:\n>> Can you check my hold? Library card 21234 00567 8901.\n>> Thanks,\n>> Sam',
    removed: ['Sam', 'Samuel Park', 'sam.park@example.com', 'ask@library.example.org', '21234 00567 8901'],
    kept: [
      'On Mon, Nov 3, 2026 at 10:02 AM Carrel Library <[e-mail removed]> wrote:',
      'On Sun, 2 Nov 2026 at 18:45, [name removed] <[e-mail removed]>\n> wrote:',
      'The Overstory is ready until Nov 10.',
      '> Hi [name removed],',
      '>> Thanks,\n>> [name removed]',
    ],
  },
  {
    name: 'signature without a delimiter: name, street address with city and ZIP, and cell number go',
    text: 'Could you recommend audiobooks for a long drive? We liked Project Hail Mary.\n\nBest,\nDavid Kim\n1420 Oak Street, Springfield, IL 62704\nCell: (217) 555-0123',
    removed: ['David Kim', '1420 Oak Street', 'Springfield, IL 62704', '(217) 555-0123'],
    kept: ['Could you recommend audiobooks for a long drive?', 'Project Hail Mary', 'Best,', 'Cell: '],
    expected:
      'Could you recommend audiobooks for a long drive? We liked Project Hail Mary.\n\nBest,\n[name removed]\n[address removed]\nCell: [phone removed]',
  },
  {
    name: 'hold question with card number and PIN: both go; the ISBN and queue position stay',
    text: "Hi, I placed a hold on ISBN 9780525559474 three weeks ago and it still says I'm #4 in line. My library card is 21234005678901 and my PIN is 4821 (I know I shouldn't send that). Can you check?\nThanks,\nLuis Hernández",
    removed: ['21234005678901', '4821', 'Luis Hernández'],
    kept: ['ISBN 9780525559474', "I'm #4 in line", 'three weeks', '[card number removed]', '[PIN removed]'],
  },
  {
    name: 'answer full of catalog links, call numbers, ISBNs, times and prices comes back unchanged',
    text: 'Hello,\nHere are three titles on the Dust Bowl:\n1. The Worst Hard Time (978.03 EGA), ISBN 978-0-618-77347-3 — https://catalog.example.org/record/0190f5e2-7b3c-7d4e-8f9a-1b2c3d4e5f60\n2. Out of the Dust, call number J FIC HES, ISBN-10: 0-590-36080-9\n3. Dust Bowl Diary, 813.54 F, pp. 45-67, published 1998.\nMore: https://catalog.example.org/search?q=dust+bowl&page=2 or 9780618773473.\nThe branch is open 10:00 a.m.–8:00 p.m.; printing is $0.15 a page; our ZIP is 62701.\nHappy reading!',
    removed: [],
    kept: [],
    expected:
      'Hello,\nHere are three titles on the Dust Bowl:\n1. The Worst Hard Time (978.03 EGA), ISBN 978-0-618-77347-3 — https://catalog.example.org/record/0190f5e2-7b3c-7d4e-8f9a-1b2c3d4e5f60\n2. Out of the Dust, call number J FIC HES, ISBN-10: 0-590-36080-9\n3. Dust Bowl Diary, 813.54 F, pp. 45-67, published 1998.\nMore: https://catalog.example.org/search?q=dust+bowl&page=2 or 9780618773473.\nThe branch is open 10:00 a.m.–8:00 p.m.; printing is $0.15 a page; our ZIP is 62701.\nHappy reading!',
  },
  {
    name: 'disguised e-mail addresses and mailto: links go',
    text: 'Please reply to jane dot doe at example dot com, or jane(at)example.com, or j.doe [at] gmail [dot] com, or jdoe at gmail.com — not the address on file. Or use <a href="mailto:jane.doe@example.com?subject=Hold">this link</a>.',
    removed: ['jane', 'doe', 'example', 'gmail', 'mailto'],
    kept: ['Please reply to [e-mail removed], or', 'not the address on file', '">this link</a>.'],
  },
  {
    name: 'phone numbers in every common format, with extensions, go',
    text: 'My numbers: (555) 123-4567, 555-123-4567, 555.123.4567, +1 555 123 4567, 5551234567, work +44 20 7946 0958 ext. 12, office 555-123-4567 x123, London 020 7946 0958.',
    removed: ['123', '4567', '7946', 'ext', 'x123'],
    kept: [],
    expected:
      'My numbers: [phone removed], [phone removed], [phone removed], [phone removed], [phone removed], work [phone removed], office [phone removed], London [phone removed].',
  },
  {
    name: 'numbers that are not personal stay: years, ranges, dates, prices, identifiers, small numbers',
    text: 'Between 1861-1865 and again in 2019–2020 (also 1998 2001 2005), on 12/03/2024 or 2024-03-12 at 10:30, for $1,234.50, see 973.7 LIN and 813.54 F, vol. 12, no. 4, pp. 123-145, LCCN 2001012345, OCLC 1234567890, ISBN 0 14 118776 1, 0-590-36080-9, ZIP 02139, shelves 101 102 103 104, 3 copies.',
    removed: [],
    kept: [],
    expected:
      'Between 1861-1865 and again in 2019–2020 (also 1998 2001 2005), on 12/03/2024 or 2024-03-12 at 10:30, for $1,234.50, see 973.7 LIN and 813.54 F, vol. 12, no. 4, pp. 123-145, LCCN 2001012345, OCLC 1234567890, ISBN 0 14 118776 1, 0-590-36080-9, ZIP 02139, shelves 101 102 103 104, 3 copies.',
  },
  {
    name: 'book club request: "this is … from" and a same-line sign-off go; "I am looking" stays',
    text: 'This is Maria Gonzalez from the Eastside book club. I am looking for 12 copies of Tomorrow, and Tomorrow, and Tomorrow for March. I am Writing this on behalf of the group.\nCheers, Maria',
    removed: ['Maria', 'Gonzalez'],
    kept: [
      'This is [name removed] from the Eastside book club.',
      'I am looking for 12 copies',
      'I am Writing this',
    ],
  },
  {
    name: 'greetings: names after Hi/Dear/Hello go, with titles; "Hi," and "Dear librarian," stay',
    text: 'Hi,\nDear librarian,\nDear Mr. Smith,\nHello Dr. Ng\nHi Jane, thanks!\nGood morning Team,\nDear Sir or Madam,',
    removed: [],
    kept: [],
    expected:
      'Hi,\nDear librarian,\nDear [name removed],\nHello [name removed]\nHi [name removed], thanks!\nGood morning Team,\nDear Sir or Madam,',
  },
  {
    name: 'sign-offs: the name line goes, library and team signatures stay',
    text: 'Kind regards,\n\nA. Patel\n\nBest regards,\nJohn Smith, MLIS\n\nThanks,\nThe Reference Team\n\nRegards,\nEastside Branch\n\nSincerely,\nDr. Helen Ng',
    removed: ['A. Patel', 'John Smith', 'Dr.', 'Helen Ng'],
    kept: [
      'Kind regards,\n\n[name removed]',
      '[name removed], MLIS',
      'The Reference Team',
      'Eastside Branch',
    ],
  },
  {
    name: 'links: catalog links stay; links carrying an address, a token or a patron id go',
    text: 'Record: https://catalog.example.org/record/123. Reset: https://carrel.example.org/account/pin-reset/0190f5e2-7b3c-7d4e-8f9a-1b2c3d4e5f60.Xk3mP9qL2vR8sT1uW4yZ6aB0cD5eF7gH9iJ2kL4mN6o Share: https://lists.example.com/share?email=jane%40example.com Login: https://db.example.com/go?token=abc123 Account: https://carrel.example.org/patrons/21234005678901/holds',
    removed: ['pin-reset', 'jane', 'token=abc123', '21234005678901'],
    kept: ['Record: https://catalog.example.org/record/123.', 'Reset: [link removed] Share: [link removed]'],
  },
  {
    name: 'known names and e-mails go in any case; name parts go only when capitalized',
    text: 'ELEANOR VANCE asked about the Vance family papers; write to EVANCE@EXAMPLE.ORG. Eleanor prefers mornings. We found vance as a lowercase word. Li Wei and Li Bai both wrote poems; Wei is a river.',
    known: { names: ['Eleanor Vance', 'Li Wei'], emails: ['evance@example.org'] },
    removed: ['ELEANOR VANCE', 'Vance family', 'EVANCE@EXAMPLE.ORG', 'Eleanor', 'Li Wei', 'Wei is'],
    kept: ['vance as a lowercase word', 'Li Bai both wrote poems'],
  },
  {
    name: 'report on a historical person: names not introduced as the writer stay',
    text: 'I am Writing a paper on Harriet Tubman and Frederick Douglass. My teacher wants primary sources from 1850-1865. Is this Lincoln, or is this a forgery?',
    removed: [],
    kept: [],
    expected:
      'I am Writing a paper on Harriet Tubman and Frederick Douglass. My teacher wants primary sources from 1850-1865. Is this Lincoln, or is this a forgery?',
  },
  {
    name: 'addresses: street lines with units, city and state, and post office boxes go',
    text: 'Please mail the book to 123 Main St, Springfield, IL 62701 or to P.O. Box 45. My old place was 221B Baker Street.',
    removed: ['123 Main St', 'Springfield', 'Box 45', 'Baker Street'],
    kept: ['Please mail the book to [address removed] or to [address removed].', 'My old place was'],
  },
  {
    name: 'interlibrary loan form: labelled name, card number, phone and e-mail go; title and author stay',
    text: 'Name: Robert Chen\nCard number: 1234567\nPhone: 555-0100\nEmail: rchen@example.com\nTitle needed: The Warmth of Other Suns\nAuthor: Isabel Wilkerson\nI have 2 cards and 3 holds.',
    removed: ['Robert Chen', '1234567', '555-0100', 'rchen@example.com'],
    kept: [
      'Name: [name removed]',
      'The Warmth of Other Suns',
      'Author: Isabel Wilkerson',
      '2 cards and 3 holds',
    ],
  },
  {
    name: 'relatives and Outlook-style bold headers go; Windows line endings are read as lines',
    text: '*From:* Priya Natarajan <priya@example.com>\r\n*Sent:* Friday\r\nMy daughter Anika needs a tutor for 4th grade math.\r\nThanks,\r\nPriya',
    removed: ['Priya', 'Natarajan', 'Anika', 'priya@example.com', '\r'],
    kept: ['*Sent:* Friday', 'needs a tutor for 4th grade math.', 'My daughter [name removed] needs'],
  },
  {
    name: 'grouped and keyword card numbers go; a credit-card-like run goes too',
    text: 'My barcode is 2 1234 00567 8901. Old card: 21234-00567-8901. Account 12345 has a fine. Do not charge 4111 1111 1111 1111.',
    removed: ['1234', '00567', '12345', '4111'],
    kept: ['My barcode is [card number removed].', 'Account [card number removed] has a fine.'],
  },
];

for (const c of cases)
  test(c.name, () => {
    const out = redactText(c.text, c.known);
    for (const r of c.removed) assert.ok(!out.includes(r), `"${r}" should be gone from:\n${out}`);
    for (const k of c.kept) assert.ok(out.includes(k), `"${k}" should remain in:\n${out}`);
    if (c.expected !== undefined) assert.equal(out, c.expected);
  });

test('redaction is idempotent and leaves nothing for a second sweep to find', () => {
  for (const c of cases) {
    const once = redactText(c.text, c.known);
    assert.equal(redactText(once, c.known), once, c.name);
    assert.deepEqual(findPersonalData(once, c.known), [], c.name);
  }
});

test('findPersonalData reports what redactText removes, by kind, in order', () => {
  const text =
    'Hi Jane,\ncall (555) 123-4567 or write jane@example.com; card 21234005678901 at 45 Elm Avenue. PIN: 1234\nThanks,\nBob Roe';
  assert.deepEqual(findPersonalData(text), [
    { kind: 'name', match: 'Jane' },
    { kind: 'phone', match: '(555) 123-4567' },
    { kind: 'email', match: 'jane@example.com' },
    { kind: 'card', match: '21234005678901' },
    { kind: 'address', match: '45 Elm Avenue' },
    { kind: 'pin', match: '1234' },
    { kind: 'name', match: 'Bob Roe' },
  ]);
  assert.deepEqual(findPersonalData('Is 973.7 LIN on the shelf in 2026?'), []);
});

test('odd inputs never throw', () => {
  assert.equal(redactText(''), '');
  assert.equal(
    redactText('[name removed] [e-mail removed] [signature removed]'),
    '[name removed] [e-mail removed] [signature removed]',
  );
  assert.equal(redactText(undefined as unknown as string), '');
  assert.equal(
    redactText('Thanks,\nJane', { names: ['', '  ', 'a.*(', 7 as unknown as string] }),
    'Thanks,\n[name removed]',
  );
  assert.equal(redactText('x', null as unknown as KnownPersonalData), 'x');
  assert.deepEqual(findPersonalData(42 as unknown as string), []);
});

test('100 KB adversarial inputs finish quickly (no catastrophic backtracking)', () => {
  const size = 100_000;
  const fill = (s: string) => s.repeat(Math.ceil(size / s.length)).slice(0, size);
  const inputs = [
    'a',
    '1',
    '1 ',
    '1-',
    'a.',
    'a@',
    'a@b.',
    'a dot ',
    'a at b dot ',
    'Jane ',
    'Hi Jane Doe Smith Roe\n',
    'Thanks\n',
    'Thanks for all of it\nJane Doe Mary Ann\n',
    '-- \n',
    'On 1 x\n',
    `On ${'x1'.repeat(100)}\n`,
    'From: a <b> [c] (d) e@f ;',
    'From: Jane Doe\n',
    'http://a.b/?token=',
    '12 Main Main Main Main ',
    '12 Main St ',
    '+1 ',
    '+123456 ',
    '(555) ',
    "I'm Jane ",
    'card 1',
    'ISBN 1 2 3 4 5 6 7 8 9 0 ',
    '<',
    '[name removed] Jane ',
    'http://a.b/1 555-123-4567 ',
    'a.b.c.d.e.f.g.h.i.j@',
    'a@b-c.d-e.',
    'J. J. J. ',
  ].map(fill);
  inputs.push(`http://${fill('a')}`, `a@${fill('b.')}`, `${fill('9')}x`);
  for (const input of inputs) {
    const started = performance.now();
    redactText(input, { names: ['Jane Doe'], emails: ['jane@example.com'] });
    const ms = performance.now() - started;
    assert.ok(ms < 1000, `${JSON.stringify(input.slice(0, 30))}… took ${ms.toFixed(0)} ms`);
  }
});

test('zip3 keeps the first three digits of a US ZIP code and nothing else', () => {
  assert.equal(zip3('02139-4307'), '021');
  assert.equal(zip3('62701'), '627');
  assert.equal(zip3(' 10001 '), '100');
  assert.equal(zip3('021394307'), '021');
  for (const bad of [null, undefined, '', '1234', '123456', 'ABCDE', 'SW1A 1AA', '02139-43', 'K1A 0B1'])
    assert.equal(zip3(bad), null, String(bad));
});
