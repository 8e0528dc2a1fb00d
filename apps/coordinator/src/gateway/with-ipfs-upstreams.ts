import type { ZoneWithSettings } from '../metering/live-zone-directory.ts'

/** Marks the zones that have upstreams as ipfs zones (#13), for the redirector's directory. Pure. */
export function withIpfsUpstreams(zones: readonly ZoneWithSettings[], upstreams: ReadonlyMap<string, readonly string[]>): readonly ZoneWithSettings[] {
  if (upstreams.size === 0) return zones
  return zones.map((entry) => {
    const list = upstreams.get(entry.zone.id)
    return list === undefined ? entry : { ...entry, ipfsUpstreams: list }
  })
}
