import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { JoinNetworkDto } from '../../../contracts/commands/join-network.dto';
import { Clock } from '../../domain/clock';
import { Public } from '../../http/access';
import type { RequestWithCaller } from '../../http/access.guard';
import { commandContextOf } from '../../http/command-context';
import { PER_ADDRESS, SignInThrottlerGuard } from '../../member-access/sign-in/sign-in-throttling';
import { JoinNetworkCommand, type JoinNetworkResult } from './join-network.command';

@ApiTags('membership')
@Controller('commands')
export class JoinNetworkController {
  constructor(
    private readonly commands: CommandBus,
    private readonly clock: Clock,
  ) {}

  @Post('join-network')
  @Public()
  // Each sign-up mails a link to the address it names: limited per client as the web form is (staff are not).
  @UseGuards(SignInThrottlerGuard)
  @SkipThrottle({ [PER_ADDRESS]: true })
  @HttpCode(202)
  @ApiOperation({
    summary: 'Sign up for the network (public), or enter a paper/phone/email sign-up (secretariat key, with channel).',
    description:
      'A web sign-up answers awaiting-verification and sends a verification email. A sign-up entered by the secretariat ' +
      'is attested by staff and answers its admission status at once. The same email for the same group again, once the first ' +
      'sign-up verified it: with a secretariat key the first memberId and its status; otherwise the answer of a new sign-up, ' +
      'and nothing is recorded or sent, so the answer never tells whether an address is in a group. A sign-up not verified ' +
      'yet gives way to a different newer one, whose link is the one that works; the same sign-up again (a second click) gets ' +
      'its own answer again.',
  })
  join(@Body() body: JoinNetworkDto, @Req() request: RequestWithCaller): Promise<JoinNetworkResult> {
    return this.commands.execute(new JoinNetworkCommand(body, commandContextOf(request, this.clock)));
  }
}
