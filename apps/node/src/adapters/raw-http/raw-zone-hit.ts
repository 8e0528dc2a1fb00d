import { admitZoneRequest } from '../http/zone-admission.ts'
import type { ZoneServing } from '../http/zone-admission.ts'
import { parseZoneRequestTarget, ZONE_PATH_PREFIX, zoneObjectTarget } from '../../cdn/zones/zone-request-target.ts'
import { rawFreshHit } from './raw-fresh-hit.ts'
import type { RawHitSource } from './raw-fresh-hit.ts'

/**
 * The CDN-mode source of raw hits (ADR 0006, "CDN mode"): a plain `GET|HEAD
 * /z/<zone>/<path>?mt=<ticket>` whose ticket `admitZoneRequest` admits for the cache
 * (the same checks, in the same order, as node:http's `handleZoneRequest`: draining,
 * one ticket, its MAC — verified once, then from the verifier's bounded cache — expiry,
 * node, zone, path, client address, byte budget, origin) and whose object is a fresh
 * in-memory 200. Its body bytes go to `onServed` (budget, usage log, stats), exactly as
 * the node:http path reports them when its response closes (0 for HEAD). Everything
 * else, every refused ticket included, is undefined: node:http answers it, so bounces
 * and errors have one writer. `serving` is undefined until the node serves zones.
 */
export function rawZoneHitSource(serving: () => ZoneServing | undefined): RawHitSource {
  return (request, framing, socket) => {
    if (!request.target.startsWith(ZONE_PATH_PREFIX)) return undefined
    const target = parseZoneRequestTarget(request.target)
    const current = serving()
    if (target === undefined || current === undefined) return undefined
    const admission = admitZoneRequest(current, target, socket.remoteAddress ?? '')
    if (admission.kind !== 'cache') return undefined
    const hit = rawFreshHit(admission.context, zoneObjectTarget(target), request.isHead, framing, Date.now())
    if (hit === undefined) return undefined
    current.onServed(admission.ticket, admission.token, BigInt(hit.bodyBytes))
    return hit
  }
}
