import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { MetricsScraper } from '../http/access';
import { Metrics } from './metrics';

@ApiTags('operations')
@ApiBearerAuth()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @MetricsScraper()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics: projection lag, contact-list dispatches and failures, mail queue depth, HTTP latency (Authorization: Bearer <METRICS_TOKEN>).' })
  @ApiOkResponse({ description: 'Prometheus text format.' })
  async scrape(@Res() response: Response): Promise<void> {
    const text = await this.metrics.render();
    response.type(this.metrics.contentType).send(text);
  }
}
