import { Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Metrics } from '../operations/metrics';

/**
 * Logs method, route pattern, status and duration, and records them in the HTTP latency
 * histogram of GET /metrics. Never the URL itself (its query may hold a token), never bodies or
 * headers: nothing personal reaches the log or the metrics.
 */
@Injectable()
export class RequestLoggerMiddleware implements NestMiddleware {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly metrics: Metrics) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      const route = request.route ? `${request.baseUrl}${String((request.route as { path: unknown }).path)}` : '(no route)';
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.observeRequest(request.method, route, response.statusCode, seconds);
      this.logger.log(`${request.method} ${route} ${response.statusCode} ${(seconds * 1000).toFixed(1)}ms`);
    });
    next();
  }
}
