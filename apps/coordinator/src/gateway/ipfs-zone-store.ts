import type { ZoneId } from '@meson/protocol'

/** Storage of IPFS gateway zones' upstreams (a zone with upstreams is `type: "ipfs"`). */
export interface IpfsZoneStore {
  /** Makes `zoneId` an ipfs zone with these upstreams (replacing earlier ones). */
  setUpstreams(zoneId: ZoneId, upstreams: readonly string[]): Promise<void>
  /** Upstreams of every ipfs zone, by zone id (deleted zones are gone with their zone). */
  listUpstreams(): Promise<ReadonlyMap<string, readonly string[]>>
}
