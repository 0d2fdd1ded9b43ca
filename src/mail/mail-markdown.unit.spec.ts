import { MailMarkdown } from './mail-markdown';

describe('Markdown in mails', () => {
  it('renders headings, emphasis, lists and links to HTML, and keeps the Markdown as the text part', () => {
    const markdown = '## Sommer\n\nVi ses til **træf** i *juni*:\n\n- frokost\n- snak\n\nSe [programmet](https://example.org/program) eller skriv til [os](mailto:info@example.org).';
    const body = MailMarkdown.render(`\r\n${markdown}\r\n`);
    expect(body.text).toBe(markdown);
    expect(body.html.toString()).toBe(
      '<h2>Sommer</h2>\n<p>Vi ses til <strong>træf</strong> i <em>juni</em>:</p>\n<ul>\n<li>frokost</li>\n<li>snak</li>\n</ul>\n' +
        '<p>Se <a href="https://example.org/program">programmet</a> eller skriv til <a href="mailto:info@example.org">os</a>.</p>\n',
    );
  });

  it('drops scripts, styles, images, event handlers, forms and javascript: links', () => {
    const hostile = [
      '<script>alert(1)</script>',
      '<style>body{display:none}</style>',
      '![pixel](https://tracker.example.org/p.gif)',
      '<img src="https://tracker.example.org/p.gif">',
      '<p onclick="alert(1)" style="color:red">text</p>',
      '<form action="https://evil.example.org"><input name="x"></form>',
      '<iframe src="https://evil.example.org"></iframe>',
      '[click](javascript:alert(1))',
      '<a href="//evil.example.org">protocol-relative</a>',
    ].join('\n\n');
    const html = MailMarkdown.render(hostile).html.toString();
    expect(html).not.toMatch(/<(script|style|img|form|input|iframe)\b|onclick|style=|javascript:|src=|evil\.example\.org|alert/i);
    expect(html).toContain('<p>text</p>');
  });
});
