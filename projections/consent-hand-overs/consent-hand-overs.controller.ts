import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StaffOnly } from '../../src/http/access';
import { ConsentHandOvers, type OpenHandOver } from './consent-hand-overs.queries';
import { OpenHandOverResponse } from './consent-hand-overs.responses';

@ApiTags('members')
@ApiBearerAuth()
@Controller('consent-hand-overs')
export class ConsentHandOversController {
  constructor(private readonly handOvers: ConsentHandOvers) {}

  @Get()
  @StaffOnly('secretariat')
  @ApiOperation({
    summary: 'Consents handed over at coming of age that wait for the young person’s confirmation, the first to lapse first (secretariat).',
    description: 'A member without email was not reached by the hand-over email: the secretariat can ask them by letter or phone and record their answer with POST /commands/record-consent-confirmation.',
  })
  @ApiOkResponse({ type: [OpenHandOverResponse] })
  open(): Promise<OpenHandOver[]> {
    return this.handOvers.open();
  }
}
