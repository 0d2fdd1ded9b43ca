import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { BreachScopeQueryDto, DisclosuresQueryDto, NoQueryDto } from '../../contracts/queries/disclosures.query';
import { StaffOnly } from '../../src/http/access';
import { InvalidInputException } from '../../src/http/validation';
import { type BreachScope, DisclosureQueries } from './disclosure-log.queries';
import { BreachScopeResponse, DisclosuresResponse, VerificationReportResponse } from './disclosure-log.responses';
import { DisclosureVerification, type VerificationReport } from './disclosure-verification';

const DEFAULT_LIMIT = 200;

/** The data-protection officer's view of the disclosure log. Reads only. */
@ApiTags('data protection')
@ApiBearerAuth()
@Controller('disclosures')
export class DisclosuresController {
  constructor(
    private readonly queries: DisclosureQueries,
    private readonly verification: DisclosureVerification,
  ) {}

  @Get()
  @StaffOnly('dpo')
  @ApiOperation({
    summary:
      'Disclosure log entries in log order (dpo): one per message. With subjectId, only the messages that held that member’s data, with the fields shown. `Accept: text/csv` exports every matching entry as CSV (RFC 4180).',
  })
  @ApiQuery({ name: 'subjectId', format: 'uuid', required: false, description: 'Only messages that held this member’s data (or named them, for deletion notices).' })
  @ApiQuery({ name: 'recipientId', format: 'uuid', required: false })
  @ApiQuery({ name: 'from', required: false, description: 'Dispatched at or after: a date (the whole day, UTC) or a date-time with its zone.' })
  @ApiQuery({ name: 'to', required: false, description: 'Dispatched at or before (inclusive): a date (the whole day, UTC) or a date-time with its zone.' })
  @ApiQuery({ name: 'after', required: false, description: 'The previous page’s `next` (JSON only; the CSV export has every entry).' })
  @ApiQuery({ name: 'limit', type: Number, required: false, description: `Entries per page, 1-1000 (default ${DEFAULT_LIMIT}).` })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: DisclosuresResponse })
  @ApiBadRequestResponse({ description: 'An invalid or unknown query parameter.' })
  async entries(@Query() query: DisclosuresQueryDto, @Req() request: Request, @Res() response: Response): Promise<void> {
    const span = timeSpan(query.from, query.to);
    const filter = { subjectId: query.subjectId, recipientId: query.recipientId, ...span };
    if (request.accepts(['application/json', 'text/csv']) !== 'text/csv') {
      response.json(await this.queries.entries(filter, { after: query.after, limit: query.limit ?? DEFAULT_LIMIT }));
      return;
    }
    const chunks = this.queries.csv(filter);
    // The first chunk (the header) is read before anything is sent, so a failing database still gets a problem response.
    const first = await chunks.next();
    response.status(200).type('text/csv; charset=utf-8; header=present').setHeader('content-disposition', 'attachment; filename="disclosures.csv"');
    try {
      if (!first.done) response.write(first.value);
      for await (const chunk of chunks) if (!response.write(chunk)) await new Promise((resolve) => response.once('drain', resolve));
      response.end();
    } catch {
      // Headers are out: all that is left is to cut the response short, so the client sees it incomplete.
      response.destroy();
    }
  }

  @Get('verification')
  @StaffOnly('dpo')
  @ApiOperation({
    summary:
      'Verifies the disclosure log (dpo): recomputes the hash chain, matches every entry with its dispatch event, and re-checks the lawfulness of every entry by replaying the event log to the position it was built from.',
  })
  @ApiOkResponse({ type: VerificationReportResponse })
  verify(@Query() _query: NoQueryDto): Promise<VerificationReport> {
    return this.verification.verify();
  }

  @Get('breach-scope')
  @StaffOnly('dpo')
  @ApiOperation({
    summary: 'Breach scoping (dpo): the members whose data were in the affected messages, with the fields and the recipients. By ?listReference= (a leaked copy) or ?from=&to=.',
  })
  @ApiQuery({ name: 'listReference', required: false, description: 'The reference printed in the leaked message.' })
  @ApiQuery({ name: 'from', required: false, description: 'With to, instead of listReference: a date (the whole day, UTC) or a date-time with its zone.' })
  @ApiQuery({ name: 'to', required: false, description: 'Inclusive.' })
  @ApiOkResponse({ type: BreachScopeResponse })
  @ApiBadRequestResponse({ description: 'Neither or both of listReference and from/to, or an invalid parameter.' })
  breachScope(@Query() query: BreachScopeQueryDto): Promise<BreachScope> {
    if (query.listReference !== undefined) {
      if (query.from !== undefined || query.to !== undefined) {
        throw new InvalidInputException([{ field: 'listReference', message: 'give either listReference or from and to, not both' }]);
      }
      return this.queries.breachScope({ listReference: query.listReference });
    }
    const missing = (['from', 'to'] as const).filter((field) => query[field] === undefined);
    if (missing.length > 0) throw new InvalidInputException(missing.map((field) => ({ field, message: 'is required without listReference' })));
    const { from, until } = timeSpan(query.from, query.to);
    return this.queries.breachScope({ from: from as Date, until: until as Date });
  }
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 60 * 60 * 1000;
/** The queries pass times as ISO strings, whose years have four digits: a bound after year 9999 is this one (nothing is dispatched later). */
const LATEST_BOUND = Date.parse('9999-12-31T23:59:59.999Z');

/** `from` and `to` (inclusive; a date alone is that whole day, UTC) as [from, until). */
function timeSpan(from: string | undefined, to: string | undefined): { from?: Date; until?: Date } {
  const start = from === undefined ? undefined : new Date(DATE_ONLY.test(from) ? `${from}T00:00:00Z` : from);
  // Stored times have millisecond precision: "up to and including `to`" is "before `to` + 1 ms".
  const until = to === undefined ? undefined : new Date(Math.min(DATE_ONLY.test(to) ? Date.parse(`${to}T00:00:00Z`) + DAY_MS : Date.parse(to) + 1, LATEST_BOUND));
  if (start && until && start.getTime() >= until.getTime()) throw new InvalidInputException([{ field: 'to', message: 'must not be before from' }]);
  return { ...(start ? { from: start } : {}), ...(until ? { until } : {}) };
}
