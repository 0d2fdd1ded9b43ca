/** A page as fetched: status, headers and HTML. */
export interface WebPage {
  status: number;
  headers: Headers;
  html: string;
}

/**
 * A browser without a browser, for the pages' HTTP-level specs: keeps cookies, and posts forms
 * with the CSRF token of the last page it read (as a browser sends the form it shows).
 */
export class WebClient {
  readonly cookies = new Map<string, string>();
  private csrfToken = '';

  constructor(private readonly baseUrl: string) {}

  get(path: string, headers: Record<string, string> = {}): Promise<WebPage> {
    return this.send('GET', path, undefined, headers);
  }

  /** Posts a form; `_csrf` is the last page's token unless the fields set it. */
  post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<WebPage> {
    return this.send('POST', path, new URLSearchParams({ _csrf: this.csrfToken, ...fields }).toString(), { 'content-type': 'application/x-www-form-urlencoded', ...headers });
  }

  private async send(method: string, path: string, body: string | undefined, headers: Record<string, string>): Promise<WebPage> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(`${this.baseUrl}${path}`, { method, body, redirect: 'manual', headers: { ...(cookie ? { cookie } : {}), ...headers } });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const [name, value] = [pair.slice(0, pair.indexOf('=')), decodeURIComponent(pair.slice(pair.indexOf('=') + 1))];
      const expired = attributes.some((attribute) => /^\s*expires=Thu, 01 Jan 1970/i.test(attribute));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const html = await response.text();
    this.csrfToken = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? this.csrfToken;
    return { status: response.status, headers: response.headers, html };
  }
}
