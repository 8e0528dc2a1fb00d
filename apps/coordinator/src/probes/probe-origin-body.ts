/**
 * The probe origin's bytes: `size` bytes derived from the probe's random token alone
 * (xorshift128+ seeded from the token's characters), so the coordinator knows what a
 * node must return without storing anything, and no cache can hold a body before the
 * probe names its fresh token. Not cryptographic: the token's secrecy until the probe
 * is sent is what a node cannot get around. Pure.
 */
export function probeOriginBody(token: string, sizeBytes: number): Uint8Array {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0) throw new RangeError('sizeBytes must be a non-negative integer')
  let s0 = 0x9e3779b9 | 0
  let s1 = 0x85ebca6b | 0
  for (let index = 0; index < token.length; index += 1) {
    s0 = Math.imul(s0 ^ token.charCodeAt(index), 0x01000193) | 0
    s1 = Math.imul(s1 + token.charCodeAt(index), 0x5bd1e995) ^ (s1 >>> 13)
  }
  const body = new Uint8Array(sizeBytes)
  for (let offset = 0; offset < sizeBytes; offset += 4) {
    // xorshift32 pair: fast, and different tokens give different streams.
    s0 ^= s0 << 13
    s0 ^= s0 >>> 17
    s0 ^= s0 << 5
    s1 = (s1 + 0x6d2b79f5) | 0
    const word = (s0 ^ s1) >>> 0
    body[offset] = word & 255
    if (offset + 1 < sizeBytes) body[offset + 1] = (word >>> 8) & 255
    if (offset + 2 < sizeBytes) body[offset + 2] = (word >>> 16) & 255
    if (offset + 3 < sizeBytes) body[offset + 3] = (word >>> 24) & 255
  }
  return body
}

/** Path of a probe object on the probe origin: `/<token>/<size>`. */
export function probeObjectPath(token: string, sizeBytes: number): string {
  return `/${token}/${sizeBytes}`
}

/** Parses `/<token>/<size>`; undefined when it is not a probe object path. */
export function parseProbeObjectPath(path: string, maxSizeBytes: number): { readonly token: string; readonly sizeBytes: number } | undefined {
  const match = /^\/([A-Za-z0-9_-]{16,64})\/([0-9]{1,10})$/.exec(path)
  if (match?.[1] === undefined || match[2] === undefined) return undefined
  const sizeBytes = Number(match[2])
  return sizeBytes <= maxSizeBytes ? { token: match[1], sizeBytes } : undefined
}
