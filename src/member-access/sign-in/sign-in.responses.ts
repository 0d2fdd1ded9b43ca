import { ApiProperty } from '@nestjs/swagger';

export class SignInLinkRequestedResponse {
  @ApiProperty({ enum: [true], description: 'Always true: the answer is the same whether or not a member has the address.' })
  accepted!: true;
}

export class MemberSessionResponse {
  @ApiProperty({ description: 'Send as `Authorization: Bearer <sessionToken>` to the /me routes.' })
  sessionToken!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}
