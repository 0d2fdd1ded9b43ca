import fc from 'fast-check';
import { type CountedMembers, shownCount, statisticsOf } from './small-counts';

const count = fc.nat({ max: 5000 });
const counted: fc.Arbitrary<CountedMembers> = fc.record({
  perGroup: fc.array(fc.record({ diagnosisId: fc.uuid(), name: fc.string(), members: count })),
  perCountry: fc.array(fc.record({ country: fc.constantFrom('DK', 'SE', 'NO', 'GL', 'FO'), members: count })),
  perRole: fc.array(fc.record({ role: fc.constantFrom('patient', 'relative'), members: count })),
  signUpsPerMonth: fc.array(fc.record({ month: fc.constantFrom('2026-01', '2026-02', '2026-12'), signUps: count })),
});

/** Every number anywhere in a value. */
function numbersIn(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.flatMap(numbersIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(numbersIn);
  return [];
}

describe('small counts in the statistics', () => {
  it('shows 1 to 4 as "<5", and 0 and 5 or more as they are', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 120].map(shownCount)).toEqual([0, '<5', '<5', '<5', '<5', 5, 6, 120]);
  });

  it('never lets a count from 1 to 4 out, whatever was counted', () => {
    fc.assert(
      fc.property(counted, (input) => {
        const shown = numbersIn(statisticsOf(input));
        expect(shown.filter((n) => n >= 1 && n <= 4)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps every row and every other count as it was', () => {
    fc.assert(
      fc.property(counted, (input) => {
        const output = statisticsOf(input);
        expect(output.membersPerGroup.map((row) => row.diagnosisId)).toEqual(input.perGroup.map((row) => row.diagnosisId));
        expect(output.signUpsPerMonth.map((row) => row.signUps)).toEqual(input.signUpsPerMonth.map((row) => shownCount(row.signUps)));
      }),
    );
  });
});
