import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { RetentionStage } from './retention-stage';

@Injectable()
export class RetentionCandidates {
  constructor(private readonly dataSource: DataSource) {}

  /** The members who reached `stage` before `cutoff`, longest first. */
  async reachedBefore(stage: RetentionStage, cutoff: Date): Promise<string[]> {
    const rows: Array<{ member_id: string }> = await this.dataSource.query(
      'SELECT member_id::text FROM retention_candidates WHERE stage = $1 AND since < $2 ORDER BY since, member_id',
      [stage, cutoff.toISOString()],
    );
    return rows.map((row) => row.member_id);
  }
}
