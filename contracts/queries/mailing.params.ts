import { Matches } from 'class-validator';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Route parameter `:newsletterId`. */
export class NewsletterIdParamsDto {
  @Matches(UUID, { message: 'must be a newsletter id (uuid)' })
  newsletterId!: string;
}

/** Route parameter `:meetupId`. */
export class MeetupIdParamsDto {
  @Matches(UUID, { message: 'must be a meet-up id (uuid)' })
  meetupId!: string;
}
