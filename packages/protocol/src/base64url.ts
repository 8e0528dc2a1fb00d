/**
 * Strict base64url (RFC 4648 §5, no padding). Node's own decoder skips characters
 * outside the alphabet, so two different strings could decode to the same bytes; for
 * signatures and keys we want exactly one spelling per byte string.
 */

const ALPHABET = /^[A-Za-z0-9_-]*$/

/** Encodes bytes as unpadded base64url. */
export function encodeBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url')
}

/**
 * Decodes unpadded base64url, or returns undefined if the text is not the canonical
 * encoding of some byte string (wrong alphabet, padding, impossible length, non-zero
 * trailing bits).
 */
export function decodeBase64Url(text: string): Uint8Array | undefined {
  if (!ALPHABET.test(text) || text.length % 4 === 1) return undefined
  const bytes = Buffer.from(text, 'base64url')
  // Re-encoding catches non-zero padding bits (RFC 4648 §3.5: such data is not canonical).
  if (bytes.toString('base64url') !== text) return undefined
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}
