import { RETENTION_POLICY, retentionCutoff } from './retention-policy';

describe('the retention policy', () => {
  it('has the documented defaults', () => {
    expect(Object.fromEntries(Object.entries(RETENTION_POLICY).map(([name, rule]) => [name, rule.keptFor]))).toEqual({
      unverifiedSignUps: { days: 30 },
      referredApplicants: { days: 90 },
      declinedApplicants: { days: 90 },
      withdrawnMembers: { months: 12 },
      staffAccessLog: { months: 24 },
      expiredSignIns: 'until-expiry',
    });
  });

  it('makes due what is older than the period: days as 24-hour days, months as calendar months', () => {
    const now = new Date('2026-03-31T02:30:00.000Z');
    expect(retentionCutoff({ days: 30 }, now).toISOString()).toBe('2026-03-01T02:30:00.000Z');
    expect(retentionCutoff({ months: 12 }, now).toISOString()).toBe('2025-03-31T02:30:00.000Z');
    // 31 March less one month is the last day of February (a leap day in 2028).
    expect(retentionCutoff({ months: 1 }, now).toISOString()).toBe('2026-02-28T02:30:00.000Z');
    expect(retentionCutoff({ months: 1 }, new Date('2028-03-31T02:30:00.000Z')).toISOString()).toBe('2028-02-29T02:30:00.000Z');
    expect(retentionCutoff({ months: 24 }, new Date('2028-02-29T12:00:00.000Z')).toISOString()).toBe('2026-02-28T12:00:00.000Z');
  });
});
