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
 * key: its saved state right after a keyed `init()` holds the key at two places (the key
 * words and the first chaining value, both the key bytes little-endian) and nothing else
 * key-dependent. Those places are found once at load by keying a template with a random
 * key; a key's state is the template with the key written at them, which `load()` puts
 * in place before the message is hashed. At load, a tag made this way is compared with
 * one from a hasher keyed through hash-wasm's own API; the tests also compare against
 * @noble/hashes, an independent implementation. If a hash-wasm upgrade changed its state
 * layout, the load check fails and nothing starts (fail closed, never a wrong tag).
 */

/** Bytes of a ticket MAC key (BLAKE3 keys are exactly 32). */
export const TICKET_MAC_KEY_BYTES = 32

/** The saved-state layout did not match what keyed tagging relies on. */
export class TicketMacSetupError extends BaseError {
  override readonly name = 'TicketMacSetupError'
  constructor(detail: string) {
    super('TICKET_MAC_SETUP', `The ticket MAC could not be set up: ${detail}. hash-wasm's BLAKE3 state layout is not the one this build was tested with.`)
  }
}

const hasher = await createBLAKE3(256, randomBytes(TICKET_MAC_KEY_BYTES))
const templateKey = randomBytes(TICKET_MAC_KEY_BYTES)
const templateHasher = await createBLAKE3(256, templateKey)
templateHasher.init()
/** A keyed hasher's state right after init; the key bytes are overwritten per use. */
const scratch = templateHasher.save()
const keyOffsets = offsetsOf(scratch, templateKey)
if (keyOffsets.length !== 2) throw new TicketMacSetupError(`the key occurs ${String(keyOffsets.length)} times in the saved state, not twice`)

const keyBytes = new WeakMap<TicketMacKey, Uint8Array>()

/**
 * A 32-byte ticket MAC key (a node key or the coordinators' key). The bytes stay inside:
 * the key prints, inspects and serializes as a placeholder, so it is never logged.
 */
export class TicketMacKey {
  constructor(bytes: Uint8Array) {
    if (bytes.length !== TICKET_MAC_KEY_BYTES) throw new RangeError(`a ticket MAC key has ${String(TICKET_MAC_KEY_BYTES)} bytes, not ${String(bytes.length)}`)
    keyBytes.set(this, Uint8Array.from(bytes))
    Object.freeze(this)
  }

  /** True if `other` holds the same bytes (compared in constant time). */
  equals(other: TicketMacKey): boolean {
    const mine = keyBytes.get(this)
    const theirs = keyBytes.get(other)
    return mine !== undefined && theirs !== undefined && timingSafeEqual(mine, theirs)
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
  const bytes = keyBytes.get(key)
  if (bytes === undefined) throw new TypeError('not a TicketMacKey')
  for (const offset of keyOffsets) scratch.set(bytes, offset)
  hasher.load(scratch)
  hasher.update(message)
  const digest = hasher.digest('binary')
  return Buffer.from(digest.buffer, digest.byteOffset, length)
}

function offsetsOf(haystack: Uint8Array, needle: Uint8Array): number[] {
  const offsets: number[] = []
  const text = Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength)
  let at = text.indexOf(needle)
  while (at !== -1) {
    offsets.push(at)
    at = text.indexOf(needle, at + 1)
  }
  return offsets
}

// The load check: a tag made by re-keying must equal one from a hasher keyed by hash-wasm itself.
const checkKey = randomBytes(TICKET_MAC_KEY_BYTES)
// Three chunks: the first uses the chaining value, later ones the key words, so both places are checked.
const checkMessage = randomBytes(3000)
const reference = await createBLAKE3(256, checkKey)
reference.init()
reference.update(checkMessage)
const expected = Buffer.from(reference.digest('binary'))
if (!ticketMac(new TicketMacKey(checkKey), checkMessage, 32).equals(expected)) throw new TicketMacSetupError('a re-keyed tag differs from the library-keyed one')
