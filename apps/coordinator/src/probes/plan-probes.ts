/**
 * What the hunters send to each node in one round, and when the next round starts.
 * Pure: randomness comes in as a function (tests pass a seeded one).
 */

export interface ProbeSettings {
  /** Mean time between two rounds for one node; each wait is jittered to 50–150 % of it. */
  readonly intervalMs: number
  /** Size of the content probe object (random per probe up to this), bytes. */
  readonly contentMaxBytes: number
  /** Size of the speed probe object, bytes (throughput is measured over it). */
  readonly speedBytes: number
  /**
   * Largest raw block of the IPFS content probe (random size per probe up to this), bytes;
   * absent or 0: no IPFS probe (a round of a plain CDN prober).
   */
  readonly ipfsContentMaxBytes?: number
}

export const DEFAULT_PROBE_SETTINGS: ProbeSettings = Object.freeze({ intervalMs: 10 * 60_000, contentMaxBytes: 256 * 1024, speedBytes: 8 * 1024 * 1024, ipfsContentMaxBytes: 256 * 1024 })

export type PlannedProbe =
  | { readonly kind: 'content'; readonly id: string; readonly nodeId: string; readonly token: string; readonly sizeBytes: number; readonly range: { readonly start: number; readonly end: number } | null }
  | { readonly kind: 'speed'; readonly id: string; readonly nodeId: string; readonly token: string; readonly sizeBytes: number }
  | { readonly kind: 'reachability'; readonly id: string; readonly nodeId: string }
  /** A fresh raw block (the probe origin's bytes for `token`), fetched as `/ipfs/<cid>` through the node's gateway. */
  | { readonly kind: 'ipfs-content'; readonly id: string; readonly nodeId: string; readonly token: string; readonly sizeBytes: number }

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** A 32-character random token (192 bits from `random`). */
export function randomToken(random: () => number): string {
  let token = ''
  for (let index = 0; index < 32; index += 1) token += TOKEN_ALPHABET[Math.floor(random() * 64) % 64] ?? 'A'
  return token
}

/** Wait before a node's next round: the interval × a uniform factor in [0.5, 1.5), so nodes cannot predict it. */
export function nextProbeDelayMs(settings: ProbeSettings, random: () => number): number {
  return Math.round(settings.intervalMs * (0.5 + random()))
}

/**
 * One round for one node: a content probe of a fresh random object on the probe origin
 * (half of them a random byte range of it), a speed probe of a sized fresh object, and
 * a reachability check; with `ipfsContentMaxBytes`, also an IPFS content probe of a
 * fresh raw block. Every object's path is new, so the node must fetch it.
 */
export function planProbeRound(nodeId: string, settings: ProbeSettings, random: () => number): PlannedProbe[] {
  const sizeBytes = 1 + Math.floor(random() * settings.contentMaxBytes)
  let range: { start: number; end: number } | null = null
  if (random() < 0.5 && sizeBytes > 1) {
    const start = Math.floor(random() * sizeBytes)
    const end = Math.min(sizeBytes - 1, start + Math.floor(random() * (sizeBytes - start)))
    range = { start, end }
  }
  const round: PlannedProbe[] = [
    { kind: 'content', id: `content-${randomToken(random)}`, nodeId, token: randomToken(random), sizeBytes, range },
    { kind: 'speed', id: `speed-${randomToken(random)}`, nodeId, token: randomToken(random), sizeBytes: settings.speedBytes },
    { kind: 'reachability', id: `reach-${randomToken(random)}`, nodeId },
  ]
  const ipfsMax = settings.ipfsContentMaxBytes ?? 0
  if (ipfsMax > 0) {
    round.push({ kind: 'ipfs-content', id: `ipfs-${randomToken(random)}`, nodeId, token: randomToken(random), sizeBytes: 1 + Math.floor(random() * ipfsMax) })
  }
  return round
}
