import { Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * Logs method, route pattern, status and duration. Never the URL itself (its query may hold a
 * token), never bodies or headers: nothing personal reaches the log.
 */
@Injectable()
export class RequestLoggerMiddleware implements NestMiddleware {
  private readonly logger = new Logger('HTTP');

  use(request: Request, response: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      const route = request.route ? `${request.baseUrl}${String((request.route as { path: unknown }).path)}` : '(no route)';
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      this.logger.log(`${request.method} ${route} ${response.statusCode} ${ms.toFixed(1)}ms`);
    });
    next();
  }
}
