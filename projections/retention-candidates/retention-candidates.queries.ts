import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RETENTION_CANDIDATES } from './retention-candidates.projector';
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

  /** How far into the log this read model is (0 before its first batch). Fails if it stopped at a failing event. */
  async position(): Promise<bigint> {
    const [row]: Array<{ position: string; failed_at_position: string | null }> = await this.dataSource.query(
      'SELECT position::text, failed_at_position::text FROM projection_checkpoints WHERE name = $1',
      [RETENTION_CANDIDATES],
    );
    if (row?.failed_at_position) throw new Error(`the ${RETENTION_CANDIDATES} projection stopped at event position ${row.failed_at_position}`);
    return BigInt(row?.position ?? 0);
  }
}
