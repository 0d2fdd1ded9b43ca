import { IsIn, IsOptional } from 'class-validator';

export const RIGHTS_REQUEST_STATUSES = ['open', 'overdue', 'completed'] as const;
export type RightsRequestStatus = (typeof RIGHTS_REQUEST_STATUSES)[number];

/** GET /rights-requests: open (overdue ones included), overdue only, or completed; unset: all. */
export class RightsRequestsQueryDto {
  @IsOptional()
  @IsIn(RIGHTS_REQUEST_STATUSES, { message: `must be one of ${RIGHTS_REQUEST_STATUSES.join(', ')}` })
  status?: RightsRequestStatus;
}
