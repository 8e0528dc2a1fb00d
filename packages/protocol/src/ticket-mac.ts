import { randomBytes, timingSafeEqual } from 'node:crypto'
import { inspect } from 'node:util'
import { createBLAKE3 } from 'hash-wasm'
import { BaseError } from './errors.ts'

/**
 * The ticket MAC (ADR 0016, "seventh session"): keyed BLAKE3 (the BLAKE3 paper's
 * `keyed_hash` mode, a PRF and MAC), computed by hash-wasm's WebAssembly build. Every
 * redirect tags a ticket twice; node:crypto's HMAC costs ~2.5–3.5 µs a call inside the
 * redirector (context set-up and key import per call), a keyed BLAKE3 here ~0.7 µs, and
 * the ticket's share of a redirect fell by more than half.
 *
 * hash-wasm keys a hasher when it is created, asynchronously, one WebAssembly instance per
 * key — too costly for a per-node key on a fleet of 100 000. So one hasher serves every
 * key: it is created keyed with a 32-byte key slot, and hash-wasm keeps a view of that
 * array (it does not copy it) and writes it into the instance at every `init()`. Writing a
 * key into the slot before `init()` therefore keys the next tag with it. At load, a tag
 * made this way (over three chunks, so both the first chaining value and the key words
 * are exercised) is compared with one from a hasher keyed through hash-wasm's API with the
 * same key; the tests also compare against @noble/hashes, an independent implementation.
 * If a hash-wasm upgrade copied the key instead, the load check fails and nothing starts
 * (fail closed, never a wrong tag).
 */

/** Bytes of a ticket MAC key (BLAKE3 keys are exactly 32). */
export const TICKET_MAC_KEY_BYTES = 32

/** hash-wasm did not behave as keyed tagging relies on (see the module comment). */
export class TicketMacSetupError extends BaseError {
  override readonly name = 'TicketMacSetupError'
  constructor(detail: string) {
    super('TICKET_MAC_SETUP', `The ticket MAC could not be set up: ${detail}. This hash-wasm does not behave as the one this build was tested with.`)
  }
}

/** The key the one hasher uses at its next `init()` (hash-wasm holds a view of it). */
const keySlot = new Uint8Array(TICKET_MAC_KEY_BYTES)
const hasher = await createBLAKE3(256, keySlot)

/**
 * A 32-byte ticket MAC key (a node key or the coordinators' key). The bytes stay inside:
 * the key prints, inspects and serializes as a placeholder, so it is never logged.
 */
export class TicketMacKey {
  readonly #bytes: Uint8Array

  constructor(bytes: Uint8Array) {
    if (bytes.length !== TICKET_MAC_KEY_BYTES) throw new RangeError(`a ticket MAC key has ${String(TICKET_MAC_KEY_BYTES)} bytes, not ${String(bytes.length)}`)
    this.#bytes = Uint8Array.from(bytes)
    Object.freeze(this)
  }

  /** True if `other` holds the same bytes (compared in constant time). */
  equals(other: TicketMacKey): boolean {
    return timingSafeEqual(this.#bytes, other.#bytes)
  }

  /** See `ticketMac`. */
  mac(message: Uint8Array, length: number): Buffer {
    keySlot.set(this.#bytes)
    hasher.init()
    hasher.update(message)
    const digest = hasher.digest('binary')
    return Buffer.from(digest.buffer, digest.byteOffset, length)
  }

  toJSON(): string {
    return '[TicketMacKey]'
  }

  toString(): string {
    return '[TicketMacKey]'
  }

  [inspect.custom](): string {
    return '[TicketMacKey]'
  }
}

/**
 * The first `length` bytes of keyed BLAKE3-256 of `message` under `key`. Synchronous and
 * allocation-light: the one hasher is re-keyed per call, and JavaScript never interleaves
 * two calls.
 */
export function ticketMac(key: TicketMacKey, message: Uint8Array, length: number): Buffer {
  return key.mac(message, length)
}

/**
 * The load checks (see the module comment): a tag keyed through the slot equals one from a
 * hasher keyed by hash-wasm itself, over three chunks (the first uses the chaining value,
 * later ones the key words); and a tag stays what it was after the next one is made
 * (hash-wasm copies the digest out of its memory today). The reference hasher is dropped after.
 */
async function checkKeyedTagging(): Promise<void> {
  const checkKey = randomBytes(TICKET_MAC_KEY_BYTES)
  const checkMessage = randomBytes(3000)
  const reference = await createBLAKE3(256, checkKey)
  reference.init()
  reference.update(checkMessage)
  const expected = Buffer.from(reference.digest('binary'))
  const tag = ticketMac(new TicketMacKey(checkKey), checkMessage, 32)
  if (!tag.equals(expected)) throw new TicketMacSetupError('a tag keyed through the key slot differs from one keyed by the library')
  ticketMac(new TicketMacKey(randomBytes(TICKET_MAC_KEY_BYTES)), randomBytes(64), 32)
  if (!tag.equals(expected)) throw new TicketMacSetupError('a tag changed when the next one was made')
}

await checkKeyedTagging()
