import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import type { Response } from 'express';
import { NoQueryDto } from '../../../contracts/queries/disclosures.query';
import { Clock } from '../../domain/clock';
import { MemberOnly } from '../../http/access';
import type { RequestWithMember } from '../../http/access.guard';
import { MemberRoutes } from '../member-routes';
import { type MemberDataExport, MyData, type OwnData, type OwnDisclosures, exportFileName } from './my-data.queries';
import { MemberDataExportResponse, OwnDataResponse, OwnDisclosuresResponse } from './my-data.responses';

/** The signed-in member's own data (GDPR Art. 15 and 20). Each route serves the session's member only. */
@MemberRoutes()
@Controller('me')
export class MyDataController {
  constructor(
    private readonly myData: MyData,
    private readonly clock: Clock,
  ) {}

  @Get()
  @MemberOnly()
  @ApiOperation({ summary: 'My data: status, contact details, groups, consent, opt-ins and list delivery.' })
  @ApiOkResponse({ type: OwnDataResponse })
  ownData(@Query() _query: NoQueryDto, @Req() request: RequestWithMember): Promise<OwnData> {
    return this.myData.ownData(request.caller.memberId);
  }

  @Get('disclosures')
  @MemberOnly()
  @ApiOperation({
    summary: 'Who received my data: every contact list, correction and deletion notice about me, with the recipient, the fields and when; and the staff look-ups of my data.',
  })
  @ApiOkResponse({ type: OwnDisclosuresResponse })
  disclosures(@Query() _query: NoQueryDto, @Req() request: RequestWithMember): Promise<OwnDisclosures> {
    return this.myData.disclosures(request.caller.memberId);
  }

  @Get('export')
  @MemberOnly()
  @ApiOperation({ summary: 'Everything I gave, as a JSON document to download (data portability, GDPR Art. 20).' })
  @ApiProduces('application/json')
  @ApiOkResponse({ type: MemberDataExportResponse, description: 'Sent as an attachment (Content-Disposition), named sjaeldne-netvaerket-<date>.json.' })
  async export(@Query() _query: NoQueryDto, @Req() request: RequestWithMember, @Res({ passthrough: true }) response: Response): Promise<MemberDataExport> {
    const document = await this.myData.export(request.caller.memberId, this.clock.now());
    response.setHeader('content-disposition', `attachment; filename="${exportFileName(document)}"`);
    return document;
  }
}
