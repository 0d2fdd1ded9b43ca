import type { TestApp } from './test-app';

/** The links of a mail's text part to one route (e.g. /unsubscribe), in order. */
export function linksTo(text: string, route: string): string[] {
  return [...text.matchAll(/https?:\/\/\S+/g)].map((match) => match[0]).filter((link) => new URL(link).pathname === route);
}

/**
 * Follows a mail's link on the service under test (the links name PUBLIC_URL): GET as a browser
 * or a mail scanner opens it; POST as its page's button does, or a mail program's one-click
 * unsubscribe (RFC 8058: a form body List-Unsubscribe=One-Click, no cookies, no credentials).
 */
export async function follow(service: Pick<TestApp, 'url'>, link: string, method: 'GET' | 'POST' = 'GET'): Promise<{ status: number; type: string; body: string }> {
  const { pathname, search } = new URL(link);
  const response = await fetch(`${service.url}${pathname}${search}`, {
    method,
    ...(method === 'POST' ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' } : {}),
  });
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.text() };
}
