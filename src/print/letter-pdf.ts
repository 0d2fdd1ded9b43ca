import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import type { Language } from '../../contracts/events/membership.events';
import { LOCALES } from '../mail/mail-templates';
import type { Letter } from './letter-source';

/**
 * DejaVu Sans, embedded (only the glyphs used): the PDF standard fonts know Latin-1 only (æøå, Þ
 * and ð), not every letter of the members' names (ĸ, ł, ř, ...). nest-cli.json copies it next to
 * the compiled code, like the mail templates.
 */
const FONT = join(__dirname, 'fonts', 'DejaVuSans.ttf');

const MM = 72 / 25.4;
const PAGE_WIDTH = 210 * MM;
const MARGINS = { top: 20 * MM, bottom: 20 * MM, left: 25 * MM, right: 20 * MM };
const TEXT_WIDTH = PAGE_WIDTH - MARGINS.left - MARGINS.right;

/**
 * Where the address must stand to show in a window envelope: the address field of DIN 5008 form
 * B (DL, C5 and C6/5 windows fit it), the return line at its top, the address below from 62.7 mm.
 */
export const ADDRESS_FIELD = { left: 20 * MM, top: 45 * MM, width: 85 * MM, height: 45 * MM };
const RETURN_LINE_TOP = 55 * MM;
const ADDRESS_TOP = 62.7 * MM;
/** Folded at these marks, an A4 letter fits the envelope with the address field in the window. */
const FOLD_MARKS = [105 * MM, 210 * MM];

export interface PrintRun {
  batchId: string;
  /** The batch's creation: the date the letters bear. */
  date: Date;
  /** The sender's postal address, its lines separated by commas: where undeliverable letters go back. */
  returnAddress: string;
  letters: readonly Letter[];
  /** Letters of the batch that may no longer be printed (told on the cover sheet, never printed). */
  omitted: number;
}

/**
 * One PDF of a print batch: a cover sheet for the secretariat (ids and counts only), then each
 * letter from a new page: the sender at the top, the return line and the recipient's address in
 * the envelope's window, the date and the heading in the letter's language, then the text
 * (flowing over as many pages as it needs).
 */
export function renderLettersPdf(run: PrintRun): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGINS,
    autoFirstPage: false,
    font: FONT,
    info: { Title: `Sjældne-netværket, breve ${run.batchId}`, Author: 'Sjældne Diagnoser', CreationDate: run.date, ModDate: run.date },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  coverSheet(doc, run);
  const senderLines = run.returnAddress.split(',').map((line) => line.trim());
  for (const letter of run.letters) {
    doc.addPage();
    foldMarks(doc);
    doc.fontSize(9).text(senderLines.join('\n'), MARGINS.left, MARGINS.top, { width: TEXT_WIDTH, align: 'right' });
    doc.fontSize(7).text(senderLines.join(' · '), ADDRESS_FIELD.left + 5 * MM, RETURN_LINE_TOP, { width: ADDRESS_FIELD.width - 10 * MM, lineBreak: false, ellipsis: true });
    doc.fontSize(11).text(addressLines(letter.recipient).join('\n'), ADDRESS_FIELD.left + 5 * MM, ADDRESS_TOP, { width: ADDRESS_FIELD.width - 10 * MM });
    doc.fontSize(10).text(letterDate(run.date, letter.language), MARGINS.left, 97 * MM, { width: TEXT_WIDTH, align: 'right' });
    doc.fontSize(13).text(letter.subject, MARGINS.left, 108 * MM, { width: TEXT_WIDTH });
    doc.moveDown(1).fontSize(10).text(letter.text.trim(), { width: TEXT_WIDTH });
  }
  doc.end();
  return done;
}

/** The recipient's address as the post reads it: a destination outside Denmark ends with its country in capitals. */
export function addressLines({ name, address }: Letter['recipient']): string[] {
  const lines = [name, address.street, `${address.postalCode} ${address.city}`];
  if (address.country !== 'DK') lines.push((COUNTRY_NAMES.of(address.country) ?? address.country).toLocaleUpperCase('da-DK'));
  return lines;
}

const COUNTRY_NAMES = new Intl.DisplayNames(LOCALES.da, { type: 'region' });

function letterDate(date: Date, language: string): string {
  const locale = LOCALES[language as Language] ?? LOCALES.da;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'Europe/Copenhagen' }).format(date);
}

function coverSheet(doc: PDFKit.PDFDocument, run: PrintRun): void {
  doc.addPage();
  doc.fontSize(16).text('Sjældne-netværket: breve til medlemmer uden e-mail');
  doc.moveDown().fontSize(11).text(`Udskrift ${run.batchId}, dannet ${letterDate(run.date, 'da')}.`);
  doc.moveDown().text(`${run.letters.length} breve. Hvert brev begynder på en ny side; foldet ved mærkerne står adressen i rudekuvertens vindue.`);
  if (run.omitted > 0) {
    doc.moveDown().text(`${run.omitted} breve i udskriften må ikke længere sendes (modtageren er slettet eller må ikke længere få listen); de registreres som ikke sendt.`);
  }
  doc.moveDown().text('Når brevene er lagt i posten: bekræft det med POST /commands/confirm-print-batch-posted. Først da registreres de som sendt.');
  doc.moveDown().text('Denne forside sendes ikke.');
}

function foldMarks(doc: PDFKit.PDFDocument): void {
  for (const y of FOLD_MARKS) doc.moveTo(4 * MM, y).lineTo(9 * MM, y).lineWidth(0.5).stroke();
}
