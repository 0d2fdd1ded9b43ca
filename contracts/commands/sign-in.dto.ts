import { IsEmail, IsString, MaxLength } from 'class-validator';

/** POST /me/login-link: the address to send a sign-in link to, if a member has it. */
export class RequestSignInLinkDto {
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254)
  email!: string;
}

/** POST /me/session: the one-time token from the emailed sign-in link. */
export class OpenMemberSessionDto {
  @IsString()
  @MaxLength(200)
  token!: string;
}
