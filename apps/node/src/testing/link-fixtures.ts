import type { EventEmitter } from 'node:events'
import { generateKeyPair, nodeIdFromPublicKey } from '@meson/protocol'
import type { NodeIdentity } from '../identity/node-identity.ts'
import type { CoordinatorLink, CoordinatorLinkEvents } from '../link/coordinator-link.ts'
import type { NodeStats } from '../link/heartbeat-exchange.ts'
import type { LinkLogger } from '../link/link-runtime.ts'

/** Test fixture: a fresh node identity (no disk). */
export function fixtureIdentity(): NodeIdentity {
  const { publicKey, privateKey } = generateKeyPair()
  return { nodeId: nodeIdFromPublicKey(publicKey), publicKey, privateKey }
}

/** Test fixture: fixed node stats. */
export const fixtureStats: NodeStats = {
  load: 0.25,
  freeDiskBytes: 5_000_000_000n,
  servedBytes: 123_456n,
  cache: { hits: 10, misses: 2, objects: 7, storedBytes: 9_999n },
  inflight: 3,
}

/** Test fixture: a logger that keeps what it was told. */
export function recordingLogger(): LinkLogger & { readonly lines: { level: string; message: string; fields: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = []
  const record = (level: string) => (fields: Record<string, unknown>, message: string) => {
    lines.push({ level, message, fields })
  }
  return { lines, info: record('info'), warn: record('warn'), error: record('error') }
}

/** Test fixture: the arguments of the next `name` event of `link`. */
export function nextLinkEvent<K extends keyof CoordinatorLinkEvents>(link: CoordinatorLink, name: K): Promise<CoordinatorLinkEvents[K]> {
  // The event map guarantees the argument list for `name`.
  return nextEventArguments(link, name) as Promise<CoordinatorLinkEvents[K]>
}

/** Test fixture: the arguments of the next `name` event of any emitter, untyped. */
export function nextEventArguments(emitter: EventEmitter, name: string): Promise<unknown[]> {
  return new Promise((resolve) => {
    emitter.once(name, (...args: unknown[]) => resolve(args))
  })
}
