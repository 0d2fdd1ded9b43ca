import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A hand-over waiting for the young person's confirmation. */
export interface OpenHandOver {
  memberId: string;
  requestedAt: string;
  lapsesAt: string;
}

@Injectable()
export class ConsentHandOvers {
  constructor(private readonly dataSource: DataSource) {}

  /** The members the daily check must look at `now`: those whose patient may have come of age, and those whose time to confirm has run out. */
  async due(now: Date): Promise<string[]> {
    const rows: Array<{ member_id: string }> = await this.dataSource.query(
      `SELECT member_id::text FROM consent_hand_overs
       WHERE stage = 'awaiting-age' OR (stage = 'requested' AND lapses_at <= $1)
       ORDER BY member_id`,
      [now.toISOString()],
    );
    return rows.map((row) => row.member_id);
  }

  /** The hand-overs waiting for a confirmation, the first to lapse first. */
  async open(): Promise<OpenHandOver[]> {
    const rows: Array<{ member_id: string; requested_at: Date; lapses_at: Date }> = await this.dataSource.query(
      `SELECT member_id::text, requested_at, lapses_at FROM consent_hand_overs WHERE stage = 'requested' ORDER BY lapses_at, member_id`,
    );
    return rows.map((row) => ({ memberId: row.member_id, requestedAt: row.requested_at.toISOString(), lapsesAt: row.lapses_at.toISOString() }));
  }
}
