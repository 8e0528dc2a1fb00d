import { clientFieldFor } from '@meson/protocol'
import type { NodeId } from '@meson/protocol'
import type { TicketClaims } from '../tickets/issue-ticket.ts'
import type { PlannedProbe } from './plan-probes.ts'
import { probeIpfsUpstream } from './probe-ipfs-block.ts'
import { probeObjectPath } from './probe-origin-body.ts'

/**
 * The system probe zone: the zone name the hunters' tickets carry. It contains `_`,
 * which a ticket's zone reference allows and a buyer's zone name does not
 * (`zones/zone-name.ts`), so no buyer can own it; metering drops its usage lines, so
 * probes bill nobody and credit nobody.
 */
export const PROBE_ZONE = 'meson_probe'

/** Path of the probe origin on the coordinator (`GET /v1/probe-origin/:token/:size`). */
export const PROBE_ORIGIN_PATH = '/v1/probe-origin'

/** A probe the node fetches from the probe origin (through its CDN engine). */
export type OriginProbe = Extract<PlannedProbe, { kind: 'content' | 'speed' }>
/** The IPFS content probe (through the node's gateway). */
export type IpfsProbe = Extract<PlannedProbe, { kind: 'ipfs-content' }>

export interface ProbeTicketParameters {
  /** The probed node (its registered id: the ticket is tagged for it alone). */
  readonly nodeId: NodeId
  /** The coordinator's URL as nodes reach it: the ticket's origin is its probe origin. */
  readonly coordinatorUrl: string
  /** The address the node sees the probe come from (tickets are bound to their client). */
  readonly clientIp: string
  readonly nowMs: number
  readonly ttlMs: number
  /** A fresh nonce (the ticket's id). */
  readonly nonce: string
}

/**
 * The claims of a fresh ticket for one content or speed probe through one node: the
 * probe zone, the probe object's path (new per probe), the coordinator's probe origin,
 * and a byte budget of exactly the object. Undefined when `clientIp` is not an address.
 * Pure.
 */
export function probeTicketClaims(probe: OriginProbe, parameters: ProbeTicketParameters): TicketClaims | undefined {
  const client = clientFieldFor(parameters.clientIp, 'address')
  if (client === undefined) return undefined
  return {
    zone: PROBE_ZONE,
    path: probeObjectPath(probe.token, probe.sizeBytes),
    prefix: false,
    nodeId: parameters.nodeId,
    client,
    issuedAt: parameters.nowMs,
    expiresAt: parameters.nowMs + parameters.ttlMs,
    byteBudget: BigInt(Math.max(probe.sizeBytes, 1)),
    nonce: parameters.nonce,
    origin: `${parameters.coordinatorUrl.replace(/\/$/, '')}${PROBE_ORIGIN_PATH}`,
  }
}

/** Where a probe fetches its object through a node: `/z/<probe zone>/<token>/<size>?mt=<ticket>`. */
export function probeRequestUrl(nodeUrl: string, probe: OriginProbe, ticket: string): string {
  return `${nodeUrl.replace(/\/$/, '')}/z/${PROBE_ZONE}${probeObjectPath(probe.token, probe.sizeBytes)}?mt=${encodeURIComponent(ticket)}`
}

/**
 * The claims of a fresh ticket for one IPFS content probe: the probe zone, the path
 * `/ipfs/<cid>` of the probe's raw block, and one upstream, the coordinator's
 * `/v1/probe-ipfs/<token>/<size>`, which answers that block only; the node fetches it
 * as from any trustless gateway and must verify it against the CID. Budget: the block.
 * Undefined when `clientIp` is not an address. Pure.
 */
export function probeIpfsTicketClaims(probe: IpfsProbe, cid: string, parameters: ProbeTicketParameters): TicketClaims | undefined {
  const client = clientFieldFor(parameters.clientIp, 'address')
  if (client === undefined) return undefined
  return {
    zone: PROBE_ZONE,
    path: `/ipfs/${cid}`,
    prefix: false,
    nodeId: parameters.nodeId,
    client,
    issuedAt: parameters.nowMs,
    expiresAt: parameters.nowMs + parameters.ttlMs,
    byteBudget: BigInt(Math.max(probe.sizeBytes, 1)),
    nonce: parameters.nonce,
    upstreams: [probeIpfsUpstream(parameters.coordinatorUrl, probe.token, probe.sizeBytes)],
  }
}

/** Where an IPFS content probe fetches its block through a node: `/z/<probe zone>/ipfs/<cid>?mt=<ticket>`. */
export function probeIpfsRequestUrl(nodeUrl: string, cid: string, ticket: string): string {
  return `${nodeUrl.replace(/\/$/, '')}/z/${PROBE_ZONE}/ipfs/${cid}?mt=${encodeURIComponent(ticket)}`
}
