import { sign, verify } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { decodeBase64Url, encodeBase64Url } from './base64url.ts'
import { canonicalJson } from './canonical-json.ts'
import { isKeyObject, publicKeyObjectFrom } from './keys.ts'
import type { VerifyKey } from './keys.ts'

/** What a signature is for; a signature made for one purpose never verifies for another. */
export const SIGNING_PURPOSES = ['registration', 'heartbeat', 'usage-report', 'ticket', 'command', 'proxy-tunnel', 'ticket-keys', 'storage', 'storage-challenge'] as const
export type SigningPurpose = (typeof SIGNING_PURPOSES)[number]

/** Length of an ed25519 signature (RFC 8032 §5.1.6). */
export const SIGNATURE_BYTES = 64

/**
 * The bytes actually signed: "meson/v1/<purpose>\n" followed by the message. The
 * prefix is domain separation: a heartbeat can never be replayed as a command or a
 * ticket even if its JSON happened to fit, and a protocol v2 can change the rules.
 */
export function signingInput(purpose: SigningPurpose, message: Uint8Array): Uint8Array {
  const prefix = Buffer.from(`meson/v1/${purpose}\n`, 'utf8')
  return Buffer.concat([prefix, message])
}

/** Signs the canonical JSON of `payload` for `purpose`; returns a base64url signature. */
export function signPayload(privateKey: KeyObject, payload: unknown, purpose: SigningPurpose): string {
  return signBytes(privateKey, Buffer.from(canonicalJson(payload), 'utf8'), purpose)
}

/** Signs raw message bytes for `purpose` (used when the signed bytes travel as-is, as in tickets). */
export function signBytes(privateKey: KeyObject, message: Uint8Array, purpose: SigningPurpose): string {
  // ed25519 hashes internally (RFC 8032 §5.1.6), so node:crypto takes no digest here.
  return encodeBase64Url(sign(null, signingInput(purpose, message), privateKey))
}

/**
 * True if `signature` is a valid base64url ed25519 signature by `publicKey` over the
 * canonical JSON of `payload` for `purpose`. Never throws: any garbage (bad key, bad
 * encoding, a payload that cannot be canonicalized, an unknown purpose) is false.
 */
export function verifyPayload(publicKey: VerifyKey, payload: unknown, signature: string, purpose: SigningPurpose): boolean {
  let message: Buffer
  try {
    message = Buffer.from(canonicalJson(payload), 'utf8')
  } catch {
    return false
  }
  return verifyBytes(publicKey, message, signature, purpose)
}

/** Like {@link verifyPayload}, over raw message bytes. Never throws. */
export function verifyBytes(publicKey: VerifyKey, message: Uint8Array, signature: string, purpose: SigningPurpose): boolean {
  if (typeof signature !== 'string' || !isSigningPurpose(purpose)) return false
  const signatureBytes = decodeBase64Url(signature)
  if (signatureBytes?.length !== SIGNATURE_BYTES) return false
  let key: KeyObject
  if (isKeyObject(publicKey)) {
    if (publicKey.type !== 'public' || publicKey.asymmetricKeyType !== 'ed25519') return false
    key = publicKey
  } else {
    const imported = publicKeyObjectFrom(publicKey)
    if (!imported.ok) return false
    key = imported.value
  }
  try {
    return verify(null, signingInput(purpose, message), key, signatureBytes)
  } catch {
    return false
  }
}

/** Narrows a string to a known signing purpose. */
export function isSigningPurpose(value: unknown): value is SigningPurpose {
  return typeof value === 'string' && (SIGNING_PURPOSES as readonly string[]).includes(value)
}
