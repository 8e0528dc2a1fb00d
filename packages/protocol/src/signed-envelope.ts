import type { KeyObject } from 'node:crypto'
import { z } from 'zod'
import { canonicalJson } from './canonical-json.ts'
import type { VerifyKey } from './keys.ts'
import { signPayload, verifyPayload } from './signing.ts'
import type { SigningPurpose } from './signing.ts'

/**
 * A signed message as it travels: the payload as plain JSON and a base64url ed25519
 * signature over "meson/v1/<purpose>\n" + canonical JSON of the payload. The purpose
 * is not in the envelope: the receiver knows what it expects at each endpoint.
 */
export const signedEnvelopeSchema = z.strictObject({
  payload: z.unknown().refine((payload) => payload !== undefined, 'payload is required'),
  signature: z.string().max(128),
})

export interface SignedEnvelope {
  readonly payload: unknown
  readonly signature: string
}

/**
 * Signs `payload` for `purpose`. The envelope's payload is the JSON form (bigints as
 * decimal strings, undefined properties dropped), ready for `JSON.stringify`.
 */
export function signEnvelope(purpose: SigningPurpose, privateKey: KeyObject, payload: unknown): SignedEnvelope {
  const json = canonicalJson(payload)
  const jsonPayload: unknown = JSON.parse(json)
  return { payload: jsonPayload, signature: signPayload(privateKey, jsonPayload, purpose) }
}

export type EnvelopeRejection = 'malformed' | 'bad-signature' | 'invalid-payload' | 'unknown-signer'

export type OpenEnvelopeResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: EnvelopeRejection }

/**
 * The key to verify with, or a function finding it from the (schema-checked) payload,
 * e.g. by `nodeId`; returning undefined rejects the envelope as 'unknown-signer'.
 */
export type EnvelopeKey<T> = VerifyKey | ((payload: T) => VerifyKey | undefined)

/**
 * Opens an envelope received from outside (a parsed JSON value, or JSON text): checks
 * its shape ('malformed'), the payload against `schema` ('invalid-payload'), then the
 * signature over the payload exactly as received ('bad-signature'). Never throws.
 */
export function openEnvelope<S extends z.ZodType>(
  purpose: SigningPurpose,
  schema: S,
  publicKey: EnvelopeKey<z.output<S>>,
  raw: unknown,
): OpenEnvelopeResult<z.output<S>> {
  const value = typeof raw === 'string' ? parseJson(raw) : raw
  const envelope = signedEnvelopeSchema.safeParse(value)
  if (!envelope.success) return { ok: false, reason: 'malformed' }
  const payload = schema.safeParse(envelope.data.payload)
  if (!payload.success) return { ok: false, reason: 'invalid-payload' }
  const key = typeof publicKey === 'function' ? publicKey(payload.data) : publicKey
  if (key === undefined) return { ok: false, reason: 'unknown-signer' }
  // Verify over the payload as received, not as parsed: parsing may normalize it.
  if (!verifyPayload(key, envelope.data.payload, envelope.data.signature, purpose)) return { ok: false, reason: 'bad-signature' }
  return { ok: true, value: payload.data }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
