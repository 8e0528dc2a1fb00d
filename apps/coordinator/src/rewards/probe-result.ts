import type { Measurements } from './node-score.ts'

/**
 * What the hunters learn about a node, one row per probe: content (bytes compared by
 * SHA-256 with the origin's), ipfs-content (a fresh raw block through the node's IPFS
 * gateway, compared the same way), speed (TTFB, throughput), reachability, usage
 * (plausibility of the node's usage reports, judged by the coordinator), tunnel (a probe
 * stream through a proxy exit's tunnel: the proxy half of reachability) and storage (a
 * challenge of the proof-of-storage fill the node holds; `heldBytes` is its verified disk).
 */
export type ProbeKind = 'content' | 'ipfs-content' | 'speed' | 'reachability' | 'tunnel' | 'usage' | 'storage'

/** What an epoch close reads of a probe result: no measurements but the throughput. */
export interface ProbeEvidence {
  readonly id: string
  readonly nodeId: string
  readonly kind: ProbeKind
  readonly outcome: 'pass' | 'fail'
  readonly reason: string
  /** `measurements.mbps` of a speed probe, else null. */
  readonly mbps: number | null
  /** `measurements.heldBytes` of a storage probe (the fill it proved), else absent or null. */
  readonly heldBytes?: number | null
}

export interface ProbeResult {
  readonly id: string
  readonly nodeId: string
  readonly kind: ProbeKind
  readonly atMs: number
  readonly outcome: 'pass' | 'fail'
  readonly measurements: Measurements
  /** Why it passed or failed, in a sentence an operator can act on. */
  readonly reason: string
}
