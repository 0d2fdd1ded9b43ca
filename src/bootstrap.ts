import type { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { AppModule } from './app.module';
import type { InfrastructureOptions } from './infrastructure.module';
import { createValidationPipe } from './http/validation';
import { securityHeaders } from './web/security-headers';

const SWAGGER_UI_PATH = 'api/docs';

/**
 * Builds the configured HTTP application (not yet listening). The database must already be
 * open and migrated. Used by main.ts and by the end-to-end tests alike.
 */
export async function createApp(options: InfrastructureOptions, logger?: LoggerService | false): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), {
    logger: logger ?? undefined,
    bodyParser: false,
  });
  app.disable('x-powered-by');
  // Behind the reverse proxy the client (for rate limits) is the one X-Forwarded-For names.
  const trustProxy = options.config.TRUST_PROXY;
  if (trustProxy) app.set('trust proxy', /^\d+$/.test(trustProxy) ? Number(trustProxy) : trustProxy);
  app.use(securityHeaders(options.config, `/${SWAGGER_UI_PATH}`));
  // The web pages' session and CSRF cookies; only @MemberPage() routes and the CSRF check read them.
  app.use(cookieParser());
  app.useBodyParser('json', { limit: '100kb' });
  app.useGlobalPipes(createValidationPipe());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Sjældne-netværket')
      .setDescription('The contact network of Sjældne Diagnoser. Errors are application/problem+json (RFC 9457).')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Staff API key, or a member session token on /me routes' })
      .build(),
  );
  SwaggerModule.setup(SWAGGER_UI_PATH, app, document, { jsonDocumentUrl: 'api/openapi.json' });
  return app;
}
