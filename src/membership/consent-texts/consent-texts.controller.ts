import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { type ConsentText, currentConsentText } from '../../../contracts/consent-texts';
import { Public } from '../../http/access';

@ApiTags('membership')
@Controller('consent-texts')
export class ConsentTextsController {
  @Get('current')
  @Public()
  @ApiOperation({ summary: 'The consent text a sign-up must quote by version, in da, sv, nb and en.' })
  current(): ConsentText {
    return currentConsentText();
  }
}
