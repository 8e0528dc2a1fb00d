/**
 * The constants behind a node's score. Meson v3's curves are the defaults; every value
 * is configuration (see ADR 0012). Pure data, no I/O.
 */
export interface ScoreConfig {
  /** Measured throughput above this many Mb/s earns nothing more (v3: 1 500). */
  readonly bandwidthCapMbps: number
  /**
   * Storage curve: (bytes, factor) points in ascending bytes; linear between points,
   * 0 below the first (a node must offer at least that much), the last factor above the last.
   */
  readonly storagePoints: readonly { readonly bytes: bigint; readonly factor: number }[]
  /** Credit a new node starts with, and the floor it never falls below (v3: 0.4). */
  readonly creditInitial: number
  /** Credit gained per hour online and healthy (default: 0.4 → 1.0 in 30 days). */
  readonly creditGainPerHour: number
  /** Credit lost per hour down (default: ten times faster than it grows). */
  readonly creditLossPerHour: number
  /** A node no speed probe has measured yet counts this fraction of its declared uplink. */
  readonly unmeasuredBandwidthDiscount: number
  /** Anti-Sybil: one rewarded node per public IP and one share per /24 (off only for local demos). */
  readonly isOneNodePerIp: boolean
  /** Weight resolution: a score in [0, 1] becomes round(score × this) integer weight. */
  readonly weightScale: number
}

const GB = 1_000_000_000n

export const DEFAULT_SCORE_CONFIG: ScoreConfig = Object.freeze({
  bandwidthCapMbps: 1500,
  storagePoints: Object.freeze([
    Object.freeze({ bytes: 20n * GB, factor: 0.7 }),
    Object.freeze({ bytes: 60n * GB, factor: 0.85 }),
    Object.freeze({ bytes: 100n * GB, factor: 1.0 }),
  ]),
  creditInitial: 0.4,
  creditGainPerHour: 0.6 / (30 * 24),
  creditLossPerHour: 0.6 / (3 * 24),
  unmeasuredBandwidthDiscount: 0.5,
  isOneNodePerIp: true,
  weightScale: 1_000_000_000,
})
