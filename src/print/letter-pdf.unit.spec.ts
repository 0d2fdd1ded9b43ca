import { readPdf } from '../../test/support/pdf-text';
import { ADDRESS_FIELD, addressLines, renderLettersPdf } from './letter-pdf';
import type { Letter } from './letter-source';

const MM = 72 / 25.4;
const DATE = new Date('2026-12-01T09:00:00Z');

const letter = (overrides: Partial<Letter> = {}): Letter => ({
  letterId: 'a0000000-0000-4000-8000-000000000001',
  language: 'da',
  recipient: { name: 'Ƿilhelm ĸleist-Łukasiewicz', address: { street: 'Aqqusinersuaq 12', postalCode: '3900', city: 'Nuuk', country: 'GL' } },
  subject: 'Kontaktlisten for Alström syndrom i Sjældne-netværket',
  text: 'Kære Ƿilhelm\n\n1. Þóra Ærø-Þórðardóttir\n   Ølandsgade 1, 2300 København S, Danmark\n\nListens reference: SN-ABCDEFGH.\n',
  shows: ['a', 'b'],
  ...overrides,
});

const run = (letters: Letter[], omitted = 0) =>
  renderLettersPdf({ batchId: 'b0000000-0000-4000-8000-000000000001', date: DATE, returnAddress: 'Sjældne Diagnoser, Fruebjergvej 3, 2100 København Ø', letters, omitted });

describe('the print batch PDF', () => {
  it('is a valid PDF: a cover sheet, then each letter from its own page, in its language, every letter of the names kept', async () => {
    const swedish = letter({
      letterId: 'a0000000-0000-4000-8000-000000000002',
      language: 'sv',
      recipient: { name: 'Märta Åström', address: { street: 'Storgatan 3', postalCode: '111 22', city: 'Stockholm', country: 'SE' } },
      subject: 'Kontaktlistan för Alström syndrom',
      text: 'Hej Märta\n\nListans referens: SN-JKMNPQRS.\n',
    });
    const pdf = await run([letter(), swedish], 1);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    const pages = await readPdf(pdf);
    expect(pages).toHaveLength(3);
    expect(pages[0].text).toContain('2 breve');
    expect(pages[0].text).toContain('1 breve i udskriften må ikke længere sendes');
    expect(pages[0].text).not.toMatch(/Ƿilhelm|Märta/);

    const [first, second] = [pages[1].text, pages[2].text];
    for (const part of ['Ƿilhelm ĸleist-Łukasiewicz', 'Aqqusinersuaq 12', '3900 Nuuk', 'GRØNLAND', 'Þóra Ærø-Þórðardóttir', 'Ølandsgade 1, 2300 København S', 'SN-ABCDEFGH', '1. december 2026']) {
      expect(first).toContain(part);
    }
    expect(second).toContain('Märta Åström');
    expect(second).toContain('111 22 Stockholm');
    expect(second).toContain('SVERIGE');
    expect(second).toContain('1 december 2026');
    expect(second).not.toContain('Ƿilhelm');
    expect(first).not.toContain('Märta');
  });

  it('sets the address and the return line inside the window of the envelope, the sender at the top right', async () => {
    const [, page] = await readPdf(await run([letter()]));
    const inWindow = (text: string) => {
      const item = page.items.find((candidate) => candidate.text.includes(text));
      if (!item) throw new Error(`"${text}" is not on the page`);
      const [left, top] = [ADDRESS_FIELD.left / MM, ADDRESS_FIELD.top / MM];
      return item.x >= left && item.x <= left + ADDRESS_FIELD.width / MM && item.y >= top && item.y <= top + ADDRESS_FIELD.height / MM;
    };
    for (const line of addressLines(letter().recipient)) expect({ line, inWindow: inWindow(line) }).toEqual({ line, inWindow: true });
    expect(inWindow('Sjældne Diagnoser · Fruebjergvej 3 · 2100 København Ø')).toBe(true);
    expect(inWindow('SN-ABCDEFGH')).toBe(false);
    const sender = page.items.find((item) => item.text === 'Fruebjergvej 3');
    expect(sender && sender.y < ADDRESS_FIELD.top / MM && sender.x > 105).toBe(true);
  });

  it('flows a long letter over as many pages as it needs, and starts the next letter on a page of its own', async () => {
    const long = letter({ text: Array.from({ length: 120 }, (_, i) => `${i + 1}. Medlem nummer ${i + 1}`).join('\n') });
    const next = letter({ letterId: 'a0000000-0000-4000-8000-000000000003', recipient: { name: 'Bo Ærø', address: { street: 'Æblevej 1', postalCode: '5000', city: 'Odense', country: 'DK' } } });
    const pages = await readPdf(await run([long, next]));
    const bosPage = pages.findIndex((page) => page.text.includes('Bo Ærø'));
    expect(bosPage).toBeGreaterThan(2);
    expect(pages[bosPage - 1].text).toContain('120. Medlem nummer 120');
    expect(pages[bosPage].text).not.toContain('Medlem nummer');
    // A letter within Denmark names no country.
    expect(pages[bosPage].text).not.toContain('DANMARK');
  });
});
