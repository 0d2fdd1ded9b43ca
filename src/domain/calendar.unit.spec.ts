import { addCalendarMonths, addMonths, dateInDenmark, daysBetween } from './calendar';

describe('calendar arithmetic', () => {
  it('adds a month to the same day of the next month', () => {
    expect(addCalendarMonths('2026-01-15', 1)).toBe('2026-02-15');
    expect(addCalendarMonths('2026-12-15', 1)).toBe('2027-01-15');
  });

  it('ends on the last day of a shorter month: 31 January is 28 February, 29 February in a leap year', () => {
    expect(addCalendarMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addCalendarMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addCalendarMonths('2100-01-31', 1)).toBe('2100-02-28'); // not a leap year (divisible by 100)
    expect(addCalendarMonths('2000-01-29', 1)).toBe('2000-02-29'); // a leap year (divisible by 400)
    expect(addCalendarMonths('2026-03-31', 1)).toBe('2026-04-30');
    expect(addCalendarMonths('2026-01-31', 3)).toBe('2026-04-30');
  });

  it('goes back in time, and from 29 February to 28 February of a common year', () => {
    expect(addCalendarMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addCalendarMonths('2028-02-29', -12)).toBe('2027-02-28');
    expect(addCalendarMonths('2028-02-29', 12)).toBe('2029-02-28');
  });

  it('keeps the time of day of a moment', () => {
    expect(addMonths(new Date('2026-03-31T10:11:12.345Z'), -13).toISOString()).toBe('2025-02-28T10:11:12.345Z');
  });

  it('tells the date in Denmark, whatever the server’s zone', () => {
    expect(dateInDenmark(new Date('2026-06-30T22:30:00Z'))).toBe('2026-07-01'); // summer time, UTC+2
    expect(dateInDenmark(new Date('2026-12-31T22:59:00Z'))).toBe('2026-12-31'); // winter time, UTC+1
    expect(dateInDenmark(new Date('2026-12-31T23:00:00Z'))).toBe('2027-01-01');
  });

  it('counts whole days between dates, across a month end and backwards', () => {
    expect(daysBetween('2026-02-27', '2026-03-02')).toBe(3);
    expect(daysBetween('2028-02-27', '2028-03-02')).toBe(4);
    expect(daysBetween('2026-03-02', '2026-02-27')).toBe(-3);
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2); // across the change to summer time
  });
});
