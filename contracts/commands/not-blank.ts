import { Matches } from 'class-validator';

/**
 * Text that says something: IsNotEmpty() lets "   " through, which the handlers trim to nothing
 * (a member without a name, a street that is empty).
 */
export const IsNotBlank = (): PropertyDecorator => Matches(/\S/, { message: 'must not be empty or only white space' });
