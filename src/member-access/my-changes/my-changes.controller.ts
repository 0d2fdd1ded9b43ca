import { Body, Controller, Patch, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { ContactDetailsChangesDto } from '../../../contracts/commands/update-contact-details.dto';
import { WithdrawOwnOptInDto } from '../../../contracts/commands/withdraw-opt-in.dto';
import { Clock } from '../../domain/clock';
import { MemberOnly } from '../../http/access';
import type { RequestWithMember } from '../../http/access.guard';
import { MemberRoutes } from '../member-routes';
import { commandContextOf } from '../../http/command-context';
import { UpdateContactDetailsCommand, type UpdateContactDetailsResult } from '../../membership/update-contact-details/update-contact-details.command';
import { WithdrawConsentCommand, type WithdrawConsentResult } from '../../membership/withdraw-consent/withdraw-consent.command';
import { WithdrawOptInCommand, type WithdrawOptInResult } from '../../membership/withdraw-opt-in/withdraw-opt-in.command';

/**
 * The signed-in member's own commands: the same commands the secretariat sends, for the session's
 * member, recorded as done by the member (actorRole 'member').
 */
@MemberRoutes()
@Controller('me')
export class MyChangesController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Patch('contact-details')
  @MemberOnly()
  @ApiOperation({
    summary: 'Correct my contact details (GDPR Art. 16). Only the fields given change; an address is replaced whole. A new email is used once I follow the link sent to it.',
  })
  @ApiBody({ type: ContactDetailsChangesDto, description: '`{name?, email?, phone?, address?: {street, postalCode, city, country}}`' })
  @ApiResponse({ status: 200, description: '`{memberId, updatedFields, emailVerificationRequested}`' })
  @ApiResponse({ status: 400, description: 'Invalid field (postal code or phone number of the country), or nothing to change.' })
  @ApiResponse({ status: 409, description: 'I have withdrawn or was erased, or have not verified my sign-up (email change); or a concurrent change.' })
  updateContactDetails(@Body() body: ContactDetailsChangesDto, @Req() request: RequestWithMember): Promise<UpdateContactDetailsResult> {
    return this.commandBus.execute(new UpdateContactDetailsCommand(request.caller.memberId, body, commandContextOf(request, this.clock)));
  }

  @Post('withdraw-consent')
  @MemberOnly()
  @ApiOperation({ summary: 'Withdraw my consent (GDPR Art. 7(3)): I am on no contact list from now on, and earlier recipients are asked to delete my entry.' })
  @ApiResponse({ status: 201, description: '`{memberId, status: "withdrawn"}`' })
  @ApiResponse({ status: 409, description: 'Already withdrawn, or my sign-up was referred or declined; or a concurrent change.' })
  withdrawConsent(@Req() request: RequestWithMember): Promise<WithdrawConsentResult> {
    return this.commandBus.execute(new WithdrawConsentCommand(request.caller.memberId, 'member', commandContextOf(request, this.clock)));
  }

  @Post('withdraw-opt-in')
  @MemberOnly()
  @ApiOperation({ summary: 'Withdraw one opt-in (newsletter, meet-up invitations, Facebook invitation); my consent to the network stays.' })
  @ApiBody({ type: WithdrawOwnOptInDto, description: '`{optIn: "newsletter" | "meetups" | "facebookInvite"}`' })
  @ApiResponse({ status: 201, description: '`{memberId, optIns: {newsletter, meetups, facebookInvite}}`' })
  @ApiResponse({ status: 409, description: 'That opt-in is already off; or a concurrent change.' })
  withdrawOptIn(@Body() body: WithdrawOwnOptInDto, @Req() request: RequestWithMember): Promise<WithdrawOptInResult> {
    return this.commandBus.execute(new WithdrawOptInCommand(request.caller.memberId, body.optIn, 'member', commandContextOf(request, this.clock)));
  }
}
