/**
 * How diagnoses are recognised as the same one: by the number of their ORPHAcode ("ORPHA:558"
 * and "558" are the same code), or by their name with case and spacing ignored.
 * Pure: used by deciders and by the diagnosis catalogue alike.
 */

/** The number of an ORPHAcode ("ORPHA:558", "orpha:558", "558" -> "558"); undefined when absent or malformed. */
export function orphaNumber(code: string | undefined): string | undefined {
  const match = /^(?:ORPHA:?\s*)?0*(\d+)$/i.exec((code ?? '').trim());
  return match ? match[1] : undefined;
}

/** The stored form of an ORPHAcode: "ORPHA:<number>". */
export function canonicalOrphaCode(code: string | undefined): string | undefined {
  const number = orphaNumber(code);
  return number === undefined ? undefined : `ORPHA:${number}`;
}

/** A name as it is shown: trimmed, runs of white space made one space. */
export function tidyName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ');
}

/** The key two names are compared by: tidied and lower-cased. */
export function nameKey(name: string): string {
  return tidyName(name).toLowerCase();
}
