import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { AppConfig } from '../config/app-config';

/**
 * Security headers for every response (helmet's defaults: no sniffing, no framing, no referrer,
 * HSTS, ...) and a strict Content-Security-Policy: the pages load nothing but the service's own
 * stylesheet, run no script at all and post forms only to the service. Swagger UI (under
 * `docsPath`) runs its own scripts and inline styles, so only there are those allowed.
 */
export function securityHeaders(config: AppConfig, docsPath: string): RequestHandler {
  const https = new URL(config.PUBLIC_URL).protocol === 'https:';
  const shared = {
    'default-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    ...(https ? { 'upgrade-insecure-requests': [] } : {}),
  };
  const pages = helmet({ contentSecurityPolicy: { useDefaults: false, directives: { ...shared, 'style-src': ["'self'"], 'img-src': ["'self'"] } } });
  const docs = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { ...shared, 'script-src': ["'self'"], 'style-src': ["'self'", "'unsafe-inline'"], 'img-src': ["'self'", 'data:'], 'connect-src': ["'self'"] },
    },
  });
  return (request, response, next) => (request.path.startsWith(docsPath) ? docs : pages)(request, response, next);
}
