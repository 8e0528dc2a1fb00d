import type { ProbeResult } from '../rewards/probe-result.ts'
import type { PlannedProbe } from './plan-probes.ts'

/** What came back from a node for a probe (an adapter fills it; no I/O here). */
export type ProbeObservation =
  | { readonly ok: true; readonly status: number; readonly bodySha256: string; readonly bodyBytes: number; readonly ttfbMs: number; readonly totalMs: number }
  | { readonly ok: false; readonly error: string; readonly elapsedMs: number }

/**
 * Turns a probe and what the node answered into a stored result. Pure.
 * - content: the status must be 200 (206 for a range) and the SHA-256 of the body equal to the origin's;
 * - ipfs-content: the same for the raw block through the gateway (its SHA-256 is its CID's digest);
 * - speed: throughput over the whole body (Mb/s), capped at `capMbps`; a wrong body measures nothing;
 * - reachability: any HTTP answer counts as reachable.
 */
export function judgeProbe(probe: PlannedProbe, observation: ProbeObservation, expectedSha256: string | null, atMs: number, capMbps: number): ProbeResult {
  const base = { id: probe.id, nodeId: probe.nodeId, kind: probe.kind, atMs }
  if (!observation.ok) {
    return { ...base, outcome: 'fail', measurements: { elapsedMs: observation.elapsedMs }, reason: `the node did not answer: ${observation.error}` }
  }
  const measured = { status: observation.status, bodyBytes: observation.bodyBytes, ttfbMs: observation.ttfbMs, totalMs: observation.totalMs }
  if (probe.kind === 'reachability') return { ...base, outcome: 'pass', measurements: measured, reason: `answered HTTP ${observation.status}` }
  const wantStatus = probe.kind === 'content' && probe.range !== null ? 206 : 200
  if (observation.status !== wantStatus) {
    return { ...base, outcome: 'fail', measurements: measured, reason: `answered HTTP ${observation.status} where ${wantStatus} was expected` }
  }
  if (expectedSha256 !== null && observation.bodySha256 !== expectedSha256) {
    return {
      ...base,
      outcome: 'fail',
      measurements: { ...measured, expectedSha256, actualSha256: observation.bodySha256 },
      reason: "the SHA-256 of the body differs from the origin's (wrong bytes)",
    }
  }
  if (probe.kind === 'content') return { ...base, outcome: 'pass', measurements: { ...measured, sha256: observation.bodySha256 }, reason: "bytes match the origin's" }
  if (probe.kind === 'ipfs-content') return { ...base, outcome: 'pass', measurements: { ...measured, sha256: observation.bodySha256 }, reason: "the block's bytes match its CID" }
  const seconds = Math.max(observation.totalMs, 1) / 1000
  const mbps = Math.min((observation.bodyBytes * 8) / 1_000_000 / seconds, capMbps)
  return { ...base, outcome: 'pass', measurements: { ...measured, mbps }, reason: `measured ${mbps.toFixed(1)} Mb/s` }
}
