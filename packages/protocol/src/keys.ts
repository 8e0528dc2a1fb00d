import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto'
import { decodeBase64Url, encodeBase64Url } from './base64url.ts'
import { fail, ok } from './result.ts'
import type { Result } from './result.ts'

/** Length of a raw ed25519 public key (RFC 8032 §5.1.5). */
export const PUBLIC_KEY_BYTES = 32

/** An ed25519 key pair: the raw public key (what travels) and the private key object. */
export interface KeyPair {
  /** Raw 32-byte public key. */
  readonly publicKey: Uint8Array
  /** Private key; export with {@link exportPrivateKeyPem} to store it. */
  readonly privateKey: KeyObject
}

/** A public key as raw bytes, or as a prepared KeyObject (cheaper on hot paths). */
export type VerifyKey = Uint8Array | KeyObject

/** Generates a fresh ed25519 key pair. */
export function generateKeyPair(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  return { publicKey: rawPublicKeyOf(publicKey), privateKey }
}

/** The raw 32-byte public key belonging to an ed25519 private or public key object. */
export function rawPublicKeyOf(key: KeyObject): Uint8Array {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key
  // The JWK form carries exactly the raw key as `x` (RFC 8037 §2).
  const jwk = publicKey.export({ format: 'jwk' })
  const raw = typeof jwk.x === 'string' ? decodeBase64Url(jwk.x) : undefined
  if (raw?.length !== PUBLIC_KEY_BYTES) throw new TypeError('not an ed25519 key')
  return raw
}

/** Encodes a raw public key as base64url (43 characters). */
export function publicKeyToString(publicKey: Uint8Array): string {
  return encodeBase64Url(publicKey)
}

/** Decodes a base64url public key; fails unless it is exactly 32 canonical bytes. */
export function publicKeyFromString(text: string): Result<Uint8Array> {
  const raw = decodeBase64Url(text)
  if (raw?.length !== PUBLIC_KEY_BYTES) return fail('not a base64url ed25519 public key (32 bytes)')
  return ok(raw)
}

/**
 * Turns a raw public key into a KeyObject for node:crypto. Fails on a wrong length or
 * a point that is not on the curve.
 */
export function publicKeyObjectFrom(publicKey: Uint8Array): Result<KeyObject> {
  if (publicKey.length !== PUBLIC_KEY_BYTES) return fail('an ed25519 public key is 32 bytes')
  try {
    return ok(createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: encodeBase64Url(publicKey) }, format: 'jwk' }))
  } catch {
    return fail('not a valid ed25519 public key')
  }
}

/** Exports a private key as PKCS#8 PEM, for a 0600 file in the node's data dir. */
export function exportPrivateKeyPem(privateKey: KeyObject): string {
  return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
}

/** Imports a PKCS#8 PEM private key; fails unless it is an ed25519 private key. */
export function importPrivateKeyPem(pem: string): Result<KeyObject> {
  let key: KeyObject
  try {
    key = createPrivateKey({ key: pem, format: 'pem' })
  } catch {
    // The parser's message may quote key material; say only what went wrong.
    return fail('not a PEM private key')
  }
  if (key.asymmetricKeyType !== 'ed25519') return fail(`expected an ed25519 key, got ${key.asymmetricKeyType ?? 'unknown'}`)
  return ok(key)
}

/** Type guard for KeyObject, so callers can pass either form of a public key. */
export function isKeyObject(key: VerifyKey): key is KeyObject {
  return key instanceof KeyObject
}
