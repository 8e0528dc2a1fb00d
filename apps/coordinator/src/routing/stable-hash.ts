/**
 * The hashes behind content affinity. They must be fast (one per candidate per
 * request), well spread, and *stable*: every coordinator replica, in every process,
 * must map an object to the same nodes, so nothing here is seeded at random.
 *
 * Strings go through 32-bit FNV-1a (draft-eastlake-fnv §2: offset basis 0x811c9dc5,
 * prime 0x01000193), fed UTF-16 code units (ASCII exactly as its UTF-8 bytes, other
 * units as two bytes, low byte first), then MurmurHash3's fmix32 finalizer, because
 * FNV-1a alone avalanches poorly on the last characters and object keys often differ
 * only there ("/img/1.png", "/img/2.png"). All math is 32-bit (`Math.imul`, `>>> 0`):
 * no bigint on the hot path.
 */

const FNV_OFFSET_BASIS_32 = 0x811c9dc5
const FNV_PRIME_32 = 0x01000193
/** 2^32, to turn a 32-bit hash into a fraction in (0, 1). */
const TWO_POW_32 = 4_294_967_296

/** MurmurHash3's fmix32: a bijection on 32-bit values with full avalanche. */
export function mix32(value: number): number {
  let hash = value ^ (value >>> 16)
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  hash = Math.imul(hash, 0xc2b2ae35)
  hash ^= hash >>> 16
  return hash >>> 0
}

/** FNV-1a (32-bit) of a string's UTF-16 code units, finished with {@link mix32}. */
export function hashString32(text: string): number {
  return mix32(fnv1a32(text))
}

/** Plain 32-bit FNV-1a of a string's UTF-16 code units (ASCII: of its bytes). */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET_BASIS_32
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index)
    if (unit < 0x80) {
      hash = Math.imul(hash ^ unit, FNV_PRIME_32)
    } else {
      hash = Math.imul(hash ^ (unit & 0xff), FNV_PRIME_32)
      hash = Math.imul(hash ^ (unit >>> 8), FNV_PRIME_32)
    }
  }
  return hash >>> 0
}

/**
 * Weighted rendezvous (highest random weight) score of one node for one object
 * (Thaler & Ravishankar 1998; the weighted form `-w / ln(u)` is Schindelhauer &
 * Schomaker's "logarithmic method"): with u uniform in (0, 1), a node of weight w wins
 * a share w / Σw of the objects, and removing a node moves only the objects it won.
 * `u` comes from mixing the two 32-bit hashes; +0.5 keeps it strictly inside (0, 1).
 */
export function rendezvousScore(keyHash: number, nodeHash: number, weight: number): number {
  const fraction = (mix32(keyHash ^ nodeHash) + 0.5) / TWO_POW_32
  return weight / -Math.log(fraction)
}
