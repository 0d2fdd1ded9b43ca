import { IsString, MaxLength } from 'class-validator';

export class VerifyEmailDto {
  /** The token from the link in the verification email. */
  @IsString()
  @MaxLength(200)
  token!: string;
}
