/** A CSV cell value: null and undefined are empty cells. */
export type CsvValue = string | number | boolean | null | undefined;

/**
 * One CSV record as RFC 4180 has it: fields separated by commas, the record ended by CRLF, and a
 * field that holds a comma, a double quote, CR or LF enclosed in double quotes, with each double
 * quote inside doubled.
 */
export function csvRecord(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
