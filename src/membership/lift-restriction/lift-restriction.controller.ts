import { Body, Controller, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { LiftRestrictionDto } from '../../../contracts/commands/lift-restriction.dto';
import { Clock } from '../../domain/clock';
import { StaffOnly } from '../../http/access';
import type { RequestWithCaller } from '../../http/access.guard';
import { commandContextOf } from '../../http/command-context';
import { LiftRestrictionCommand, type RestrictionResult } from './lift-restriction.command';

@ApiTags('members')
@ApiBearerAuth()
@Controller('commands')
export class LiftRestrictionController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post('lift-restriction')
  @StaffOnly('secretariat')
  @ApiOperation({ summary: 'End a member’s restriction: they are on their group’s lists again.' })
  @ApiBody({ type: LiftRestrictionDto, description: '`{memberId}`' })
  @ApiResponse({ status: 201, description: '`{memberId, status, restricted: false}`' })
  @ApiResponse({ status: 404, description: 'Unknown member.' })
  @ApiResponse({ status: 409, description: 'The member is not restricted; or a concurrent change.' })
  liftRestriction(@Body() body: LiftRestrictionDto, @Req() request: RequestWithCaller): Promise<RestrictionResult> {
    return this.commandBus.execute(new LiftRestrictionCommand(body.memberId, commandContextOf(request, this.clock)));
  }
}
