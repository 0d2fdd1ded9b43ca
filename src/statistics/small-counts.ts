import type { Country, Role } from '../../contracts/events/membership.events';

/** A count as the statistics show it: 0 and 5 or more as they are, 1 to 4 as "<5". */
export type ShownCount = number | '<5';

/**
 * No count from 1 to 4 is shown, so that no small group points at anyone. 0 is shown: that
 * nobody is in a cell identifies nobody, and hiding it too would only blur the report.
 */
export function shownCount(count: number): ShownCount {
  return count >= 1 && count <= 4 ? '<5' : count;
}

/** The counts as read, before anything is hidden. */
export interface CountedMembers {
  perGroup: Array<{ diagnosisId: string; name: string; members: number }>;
  perCountry: Array<{ country: Country; members: number }>;
  perRole: Array<{ role: Role; members: number }>;
  signUpsPerMonth: Array<{ month: string; signUps: number }>;
}

/** The statistics for the secretariat and the annual report. */
export interface Statistics {
  membersPerGroup: Array<{ diagnosisId: string; name: string; members: ShownCount }>;
  membersPerCountry: Array<{ country: Country; members: ShownCount }>;
  membersPerRole: Array<{ role: Role; members: ShownCount }>;
  /** Months (YYYY-MM, Danish time) with at least one sign-up, oldest first. */
  signUpsPerMonth: Array<{ month: string; signUps: ShownCount }>;
}

/** Every count through shownCount: nothing else leaves the statistics. */
export function statisticsOf(counted: CountedMembers): Statistics {
  return {
    membersPerGroup: counted.perGroup.map((row) => ({ ...row, members: shownCount(row.members) })),
    membersPerCountry: counted.perCountry.map((row) => ({ ...row, members: shownCount(row.members) })),
    membersPerRole: counted.perRole.map((row) => ({ ...row, members: shownCount(row.members) })),
    signUpsPerMonth: counted.signUpsPerMonth.map((row) => ({ ...row, signUps: shownCount(row.signUps) })),
  };
}
