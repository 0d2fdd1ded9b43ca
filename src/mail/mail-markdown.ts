import Handlebars from 'handlebars';
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

const marked = new Marked({ gfm: true, async: false });

/**
 * What a newsletter or a meet-up description may use: paragraphs, headings, emphasis, lists,
 * quotes, code and links (http, https, mailto). No images (they would be fetched from elsewhere,
 * tracking who reads), no styles, scripts, forms or frames: anything else is dropped.
 */
const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'h1', 'h2', 'h3', 'h4', 'strong', 'em', 'b', 'i', 'del', 'ul', 'ol', 'li', 'blockquote', 'hr', 'a', 'code', 'pre'],
  allowedAttributes: { a: ['href'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
};

/**
 * Markdown the secretariat wrote, for both parts of a mail: the text part is the Markdown itself
 * (written to be read as it is), the HTML part is rendered with marked and then sanitized. Made
 * only by `render`, so the HTML a template puts in unescaped has always been sanitized.
 */
export class MailMarkdown {
  private constructor(
    readonly text: string,
    readonly html: Handlebars.SafeString,
  ) {}

  static render(markdown: string): MailMarkdown {
    const text = markdown.replace(/\r\n?/g, '\n').trim();
    return new MailMarkdown(text, new Handlebars.SafeString(sanitizeHtml(marked.parse(text) as string, SANITIZE)));
  }
}
