import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Public } from '../http/access';

/** The pages' one stylesheet, served by the service itself (the CSP allows no other source). */
@ApiExcludeController()
@Controller('assets')
export class AssetsController {
  private readonly stylesheet = readFileSync(join(__dirname, 'views', 'site.css'), 'utf8');

  @Get('site.css')
  @Public()
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=3600')
  stylesheetFile(): string {
    return this.stylesheet;
  }
}
