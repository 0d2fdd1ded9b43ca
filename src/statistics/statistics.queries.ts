import { Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import type { Country, Role } from '../../contracts/events/membership.events';
import { DiagnosisCatalogue } from '../../projections/diagnosis-catalogue/diagnosis-catalogue.queries';
import { type Statistics, statisticsOf } from './small-counts';

const COUNTRIES: readonly Country[] = ['DK', 'SE', 'NO', 'GL', 'FO'];
const ROLES: readonly Role[] = ['patient', 'relative'];

/**
 * Counts members from the read models: per group (admitted members whose consent stands, as the
 * diagnosis catalogue counts them; groups that have members: open, or become an association),
 * per country and per role (admitted members), and sign-ups per month (every sign-up, whatever
 * became of it). Every country and role is listed, with 0 where there is nobody.
 */
@Injectable()
export class MemberStatistics {
  constructor(
    private readonly pool: Pool,
    private readonly catalogue: DiagnosisCatalogue,
  ) {}

  async statistics(): Promise<Statistics> {
    const [groups, countries, roles, months] = await Promise.all([
      this.catalogue.groups(),
      this.countAdmitted('country'),
      this.countAdmitted('role'),
      this.pool.query<{ month: string; sign_ups: number }>(
        `SELECT to_char(joined_at AT TIME ZONE 'Europe/Copenhagen', 'YYYY-MM') AS month, count(*)::int AS sign_ups
         FROM member_directory GROUP BY 1 ORDER BY 1`,
      ),
    ]);
    return statisticsOf({
      perGroup: groups
        .filter((group) => group.status === 'open' || group.status === 'has-association')
        .map((group) => ({ diagnosisId: group.diagnosisId, name: group.name, members: group.memberCount })),
      perCountry: COUNTRIES.map((country) => ({ country, members: countries.get(country) ?? 0 })),
      perRole: ROLES.map((role) => ({ role, members: roles.get(role) ?? 0 })),
      signUpsPerMonth: months.rows.map((row) => ({ month: row.month, signUps: row.sign_ups })),
    });
  }

  private async countAdmitted(column: 'country' | 'role'): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ value: string; members: number }>(
      `SELECT ${column} AS value, count(*)::int AS members FROM member_directory WHERE status = 'admitted' GROUP BY 1`,
    );
    return new Map(rows.map((row) => [row.value, row.members]));
  }
}
