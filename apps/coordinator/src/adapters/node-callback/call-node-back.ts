import { randomBytes } from 'node:crypto'
import { encodeBase64Url, identityUrlFor, isIdentityProofValid, readBoundedText } from '@meson/protocol'
import type { CallNodeBack } from '../../fleet/node-callback.ts'

/** Default time for the whole callback, connect to last byte. */
export const DEFAULT_CALLBACK_TIMEOUT_MS = 3_000
/** The answer is a small JSON object; anything larger is not a node. */
const MAX_PROOF_BYTES = 16 * 1024


/**
 * Calls a registering node back at the public URL it declared (DESIGN.md §4.2):
 * `GET <publicUrl>/_meson/identity?challenge=<32 random bytes, base64url>` must answer
 * 200 with `{ nodeId, signature }` signed by the node's key. Only the declared URL is
 * called, never a redirect target (redirects are refused), and only http(s) without
 * credentials. Never throws; the reason is a short phrase for the operator.
 */
export function createCallNodeBack(options: { readonly timeoutMs?: number; readonly fetch?: typeof fetch } = {}): CallNodeBack {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS
  const fetchFunction = options.fetch ?? fetch
  return async ({ publicUrl, nodeId, publicKey }) => {
    const challenge = encodeBase64Url(randomBytes(32))
    const url = identityUrlFor(publicUrl, challenge)
    if (url === undefined) return { ok: false, reason: 'the public URL is not an http(s) URL without credentials' }
    let text: string
    try {
      const response = await fetchFunction(url, { redirect: 'error', signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } })
      if (response.status !== 200) {
        await response.body?.cancel()
        return { ok: false, reason: `${url.origin}${url.pathname} answered HTTP ${response.status}` }
      }
      const body = await readBoundedText(response, MAX_PROOF_BYTES)
      if (body === undefined) return { ok: false, reason: 'the identity answer is too large' }
      text = body
    } catch (error) {
      return { ok: false, reason: `${url.origin} is not reachable (${describe(error)})` }
    }
    let proof: unknown
    try {
      proof = JSON.parse(text)
    } catch {
      return { ok: false, reason: 'the identity answer is not JSON' }
    }
    if (!isIdentityProofValid(proof, { nodeId, challenge, publicKey })) return { ok: false, reason: 'the identity answer is not signed by this node\'s key' }
    return { ok: true }
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'request failed'
  if (error.name === 'TimeoutError') return 'timed out'
  const cause: unknown = error.cause
  if (cause instanceof Error && 'code' in cause && typeof cause.code === 'string') return cause.code
  return 'request failed'
}
