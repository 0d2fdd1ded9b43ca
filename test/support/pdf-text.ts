import { extractText, getDocumentProxy } from 'unpdf';

/** A PDF's pages as a reader sees them: each page's text, and each piece of text with where it stands (in mm from the top left). */
export interface PdfPage {
  text: string;
  items: Array<{ text: string; x: number; y: number }>;
}

const MM = 72 / 25.4;

/** Parses a PDF (failing on one that is not valid) and extracts its text page by page. */
export async function readPdf(pdf: Uint8Array): Promise<PdfPage[]> {
  const document = await getDocumentProxy(new Uint8Array(pdf));
  const { text } = await extractText(document, { mergePages: false });
  const pages: PdfPage[] = [];
  for (let number = 1; number <= document.numPages; number++) {
    const page = await document.getPage(number);
    const height = page.getViewport({ scale: 1 }).height;
    const content = await page.getTextContent();
    const items = content.items.flatMap((item) =>
      'str' in item && item.str.trim() ? [{ text: item.str, x: item.transform[4] / MM, y: (height - item.transform[5]) / MM }] : [],
    );
    pages.push({ text: text[number - 1], items });
  }
  return pages;
}
