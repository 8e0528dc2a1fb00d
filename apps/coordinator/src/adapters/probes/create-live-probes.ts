import { randomInt } from 'node:crypto'
import { newTicketNonce, parseNodeId } from '@meson/protocol'
import type { ProbeResult } from '../../rewards/probe-result.ts'
import { Hunters } from '../../probes/hunters.ts'
import type { ProbeTarget } from '../../probes/hunters.ts'
import { DEFAULT_PROBE_SETTINGS } from '../../probes/plan-probes.ts'
import type { PlannedProbe, ProbeSettings } from '../../probes/plan-probes.ts'
import { rawBlockCid } from '../../probes/probe-ipfs-block.ts'
import { probeOriginBody } from '../../probes/probe-origin-body.ts'
import { probeIpfsRequestUrl, probeIpfsTicketClaims, probeRequestUrl, probeTicketClaims } from '../../probes/probe-zone.ts'
import type { TicketClaims } from '../../tickets/issue-ticket.ts'
import type { StorageProofs } from '../../probes/storage-proofs.ts'
import { createHttpProbeRunner, sha256Hex } from './http-probe-runner.ts'
import { createStorageProbe } from './send-storage-challenge.ts'
import { createTunnelProbe } from './tunnel-probe.ts'
import type { TunnelProbeOptions } from './tunnel-probe.ts'

/** Size of the object a tunnel probe fetches through a proxy exit. */
const TUNNEL_PROBE_BYTES = 16 * 1024

export interface LiveProbesOptions {
  /** The coordinator's URL as nodes reach it (its probe origin is under it). */
  readonly coordinatorUrl: string
  /** The address nodes see the probes come from (probe tickets are bound to it). */
  readonly clientIp: string
  /** Nodes to probe now (the live ones); read again every interval. */
  readonly listNodes: () => readonly ProbeTarget[]
  readonly signTicket: (claims: TicketClaims) => string
  readonly saveResults: (results: readonly ProbeResult[]) => Promise<void>
  /** Proof of storage: each round ends with a challenge of the node's fill; absent: off. */
  readonly storage?: StorageProofs
  /** A proxy exit's open tunnel (the tunnel probe); absent: no proxy gateway runs. */
  readonly tunnelOf?: TunnelProbeOptions['tunnelOf']
  readonly intervalMs: number
  readonly capMbps: number
  /** Sizes of the probe objects; the defaults of `DEFAULT_PROBE_SETTINGS` otherwise. */
  readonly settings?: Partial<Omit<ProbeSettings, 'intervalMs'>>
  readonly ticketTtlMs?: number
  readonly timeoutMs?: number
  readonly random?: () => number
  readonly now?: () => number
  readonly onError?: (error: unknown) => void
}

/**
 * The hunters wired to real nodes: each content and speed probe gets a fresh ticket of
 * the system probe zone, tagged for the probed node, whose origin is the coordinator's
 * own probe origin; the node must fetch the fresh random object from there, and what it
 * returns is hashed and compared. The IPFS content probe's ticket names instead one
 * upstream, the coordinator's `/v1/probe-ipfs/<token>/<size>`, and the path
 * `/ipfs/<cid>` of the fresh raw block: the node's gateway fetches and verifies it. Not started: call `start()` / `stop()`.
 */
export function createLiveProbes(options: LiveProbesOptions): Hunters {
  const now = options.now ?? Date.now
  const settings: ProbeSettings = { ...DEFAULT_PROBE_SETTINGS, ...options.settings, intervalMs: options.intervalMs }
  const timeoutMs = options.timeoutMs ?? 30_000
  const probeUrl = (probe: PlannedProbe, node: ProbeTarget): string => {
    if (probe.kind === 'reachability') return `${node.publicUrl.replace(/\/$/, '')}/`
    const nodeId = parseNodeId(node.id)
    const parameters = nodeId.ok
      ? { nodeId: nodeId.value, coordinatorUrl: options.coordinatorUrl, clientIp: options.clientIp, nowMs: now(), ttlMs: options.ticketTtlMs ?? timeoutMs * 2, nonce: newTicketNonce() }
      : undefined
    // Without a ticket the node refuses the request: the probe fails with that reason.
    if (probe.kind === 'ipfs-content') {
      const cid = rawBlockCid(sha256Hex(probeOriginBody(probe.token, probe.sizeBytes)))
      const claims = parameters === undefined ? undefined : probeIpfsTicketClaims(probe, cid, parameters)
      return probeIpfsRequestUrl(node.publicUrl, cid, claims === undefined ? 'no-ticket' : options.signTicket(claims))
    }
    const claims = parameters === undefined ? undefined : probeTicketClaims(probe, parameters)
    return probeRequestUrl(node.publicUrl, probe, claims === undefined ? 'no-ticket' : options.signTicket(claims))
  }
  const random = options.random ?? cryptoRandom
  return new Hunters({
    listNodes: () => Promise.resolve(options.listNodes()),
    extraProbes: [
      ...(options.tunnelOf === undefined ? [] : [createTunnelProbe({ tunnelOf: options.tunnelOf, coordinatorUrl: options.coordinatorUrl, sizeBytes: TUNNEL_PROBE_BYTES, timeoutMs, random, now })]),
      ...(options.storage === undefined ? [] : [createStorageProbe({ storage: options.storage, timeoutMs, random, now })]),
    ],
    runProbe: createHttpProbeRunner({ probeUrl, timeoutMs, maxBodyBytes: Math.max(settings.speedBytes, settings.contentMaxBytes, settings.ipfsContentMaxBytes ?? 0) + 1 }),
    saveResults: options.saveResults,
    sha256: sha256Hex,
    settings,
    capMbps: options.capMbps,
    random,
    now,
    ...(options.onError === undefined ? {} : { onError: options.onError }),
  })
}

/**
 * A uniform number in [0, 1) from the CSPRNG: probe tokens and timings must not be
 * predictable from earlier ones a node has seen (Math.random's state can be recovered).
 */
function cryptoRandom(): number {
  return randomInt(2 ** 48 - 1) / 2 ** 48
}
