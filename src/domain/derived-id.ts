/**
 * A uuid (version 8, RFC 9562: custom) made from a digest (at least 32 hex digits), for ids that
 * must come out the same from the same inputs: a retried dispatch, a diagnosis proposed twice.
 */
export function uuidOfDigest(hex: string): string {
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
