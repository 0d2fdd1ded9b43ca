import { Body, Controller, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { UpdateContactDetailsDto } from '../../../contracts/commands/update-contact-details.dto';
import { Clock } from '../../domain/clock';
import { StaffOnly } from '../../http/access';
import type { RequestWithCaller } from '../../http/access.guard';
import { commandContextOf } from '../../http/command-context';
import { UpdateContactDetailsCommand, type UpdateContactDetailsResult } from './update-contact-details.command';

@ApiTags('members')
@ApiBearerAuth()
@Controller('commands')
export class UpdateContactDetailsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post('update-contact-details')
  @StaffOnly('secretariat')
  @ApiOperation({
    summary:
      'Rectify a member’s contact details (GDPR Art. 16). Only the fields given change; an address is replaced whole. A new email is used only once verified through a link sent to it.',
  })
  @ApiBody({ type: UpdateContactDetailsDto, description: '`{memberId, name?, email?, phone?, address?: {street, postalCode, city, country}}`' })
  @ApiResponse({ status: 201, description: '`{memberId, updatedFields, emailVerificationRequested}`' })
  @ApiResponse({ status: 400, description: 'Invalid field (postal code or phone number of the country), or nothing to change.' })
  @ApiResponse({ status: 404, description: 'Unknown member.' })
  @ApiResponse({ status: 409, description: 'The member has withdrawn or was erased, or has not verified their sign-up (email change); or a concurrent change.' })
  updateContactDetails(@Body() body: UpdateContactDetailsDto, @Req() request: RequestWithCaller): Promise<UpdateContactDetailsResult> {
    const { memberId, ...changes } = body;
    return this.commandBus.execute(new UpdateContactDetailsCommand(memberId, changes, commandContextOf(request, this.clock)));
  }
}
