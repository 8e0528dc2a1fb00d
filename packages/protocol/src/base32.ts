/** Lowercase RFC 4648 §6 alphabet; ids use it because it is case-free in DNS and URLs. */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567'

/** Encodes bytes as lowercase, unpadded base32 (RFC 4648 §6). */
export function encodeBase32(bytes: Uint8Array): string {
  let out = ''
  let buffer = 0
  let bits = 0
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte
    bits += 8
    while (bits >= 5) {
      bits -= 5
      out += ALPHABET.charAt((buffer >>> bits) & 31)
    }
    // Keep only the bits not yet emitted so the accumulator never overflows.
    buffer &= (1 << bits) - 1
  }
  if (bits > 0) out += ALPHABET.charAt((buffer << (5 - bits)) & 31)
  return out
}
