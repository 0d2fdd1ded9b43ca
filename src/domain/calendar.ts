/**
 * Calendar arithmetic for deadlines and retention periods. Pure: the time comes in as an argument.
 * A calendar date is 'YYYY-MM-DD'.
 */

/** Deadlines are counted in the secretariat's calendar, whatever the server's time zone. */
const DENMARK = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Copenhagen', year: 'numeric', month: '2-digit', day: '2-digit' });
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The same moment `months` calendar months later (earlier if negative), in UTC. A day the target
 * month lacks becomes its last day: 31 January + 1 month is 28 (or 29) February, as a period in
 * months ends under Regulation (EEC, Euratom) No 1182/71, Art. 3(2)(c).
 */
export function addMonths(instant: Date, months: number): Date {
  const year = instant.getUTCFullYear();
  const month = instant.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const shifted = new Date(instant.getTime());
  shifted.setUTCFullYear(year, month, Math.min(instant.getUTCDate(), lastDay));
  return shifted;
}

/** addMonths for a calendar date. */
export function addCalendarMonths(date: string, months: number): string {
  return addMonths(new Date(`${date}T00:00:00.000Z`), months).toISOString().slice(0, 10);
}

/** The calendar date in Denmark at this moment. */
export function dateInDenmark(instant: Date): string {
  return DENMARK.format(instant);
}

/** Whole days from one calendar date to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00.000Z`) - Date.parse(`${from}T00:00:00.000Z`)) / DAY_MS);
}
