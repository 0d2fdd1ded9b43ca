import { IsIn } from 'class-validator';

export const LIST_DELIVERIES = ['email', 'portal'] as const;

/** A signed-in member chooses how they get contact lists (POST /me/list-delivery), where the deployment lets members choose. */
export class ChooseListDeliveryDto {
  @IsIn(LIST_DELIVERIES, { message: `must be one of ${LIST_DELIVERIES.join(', ')}` })
  delivery!: (typeof LIST_DELIVERIES)[number];
}
