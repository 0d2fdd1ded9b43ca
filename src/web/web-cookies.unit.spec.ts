import { loadConfig } from '../config/app-config';
import { webCookies } from './web-cookies';

describe('the web pages’ cookies', () => {
  it('are HttpOnly on path /, the session SameSite=Lax and the CSRF token SameSite=Strict', () => {
    const { session, csrf } = webCookies(loadConfig({ PUBLIC_URL: 'http://localhost:3000' }));
    expect(session).toEqual({ name: 'sjn-session', options: { httpOnly: true, secure: false, path: '/', sameSite: 'lax' } });
    expect(csrf).toEqual({ name: 'sjn-csrf', options: { httpOnly: true, secure: false, path: '/', sameSite: 'strict' } });
  });

  it('are Secure and __Host- prefixed when the service is reached over https', () => {
    const { session, csrf } = webCookies(loadConfig({ PUBLIC_URL: 'https://netvaerket.sjaeldnediagnoser.dk' }));
    expect([session.name, csrf.name]).toEqual(['__Host-sjn-session', '__Host-sjn-csrf']);
    expect([session.options.secure, csrf.options.secure]).toEqual([true, true]);
  });
});
