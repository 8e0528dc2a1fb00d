import { randomFillSync } from 'node:crypto'

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'
const NONCE_CHARACTERS = 20
/** 204 nonces per refill: one CSPRNG call instead of one per redirect. */
const POOL_BYTES = NONCE_CHARACTERS * 204

/**
 * Ticket nonces in `newTicketNonce`'s format (`tn_` + 20 base32 characters, 100 random bits)
 * drawn from a pool that one `randomFillSync` refills: the per-call CSPRNG entry was ~4.5 %
 * of the redirector's CPU (ADR 0016, raw route). Nonces only have to be unique and
 * unguessable, and each pooled byte is used once.
 */
export function createPooledTicketNonces(): () => string {
  const pool = Buffer.alloc(POOL_BYTES)
  let offset = POOL_BYTES
  return () => {
    if (offset === POOL_BYTES) {
      randomFillSync(pool)
      offset = 0
    }
    let nonce = 'tn_'
    for (let index = 0; index < NONCE_CHARACTERS; index++) nonce += BASE32.charAt((pool[offset + index] ?? 0) & 31)
    offset += NONCE_CHARACTERS
    return nonce
  }
}
