import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { RightsRequestStatus } from '../../contracts/queries/rights-requests.query';
import type { ExtensionReason, RequestChannel, RequestOutcome, Right } from '../../contracts/events/rights-request.events';
import { daysBetween } from '../../src/domain/calendar';

/** A rights request as the register shows it; daysLeft and overdue are as of the day asked. */
export interface RightsRequestView {
  requestId: string;
  memberId: string | null;
  right: Right;
  channel: RequestChannel;
  receivedAt: string;
  dueBy: string;
  extensionReason: ExtensionReason | null;
  status: 'open' | 'completed';
  outcome: RequestOutcome | null;
  completedAt: string | null;
  /** Days from today to dueBy (negative when overdue); null once completed. */
  daysLeft: number | null;
  overdue: boolean;
}

interface Row {
  request_id: string;
  member_id: string | null;
  right_invoked: Right;
  channel: RequestChannel;
  received_at: string;
  due_by: string;
  extension_reason: ExtensionReason | null;
  outcome: RequestOutcome | null;
  completed_at: Date | null;
}

@Injectable()
export class RightsRequests {
  constructor(private readonly dataSource: DataSource) {}

  /** The requests with this status (all without one), the most urgent first. `today` is a date in Denmark. */
  async list(status: RightsRequestStatus | undefined, today: string): Promise<RightsRequestView[]> {
    // Dates as text: pg would turn a date into a Date at local midnight of the server.
    const rows: Row[] = await this.dataSource.query(
      `SELECT request_id::text, member_id::text, right_invoked, channel, received_at::text, due_by::text, extension_reason, outcome, completed_at
       FROM rights_requests
       WHERE CASE $1::text
         WHEN 'open' THEN completed_at IS NULL
         WHEN 'overdue' THEN completed_at IS NULL AND due_by < $2::date
         WHEN 'completed' THEN completed_at IS NOT NULL
         ELSE true END
       ORDER BY due_by, received_at, position`,
      [status ?? null, today],
    );
    return rows.map((row) => {
      const daysLeft = row.completed_at === null ? daysBetween(today, row.due_by) : null;
      return {
        requestId: row.request_id,
        memberId: row.member_id,
        right: row.right_invoked,
        channel: row.channel,
        receivedAt: row.received_at,
        dueBy: row.due_by,
        extensionReason: row.extension_reason,
        status: row.completed_at === null ? 'open' : 'completed',
        outcome: row.outcome,
        completedAt: row.completed_at?.toISOString() ?? null,
        daysLeft,
        overdue: daysLeft !== null && daysLeft < 0,
      };
    });
  }
}
