import { CID } from 'multiformats/cid'

/** Path prefix of gateway zone objects: `/z/<zone>/ipfs/<cid>[/<path>]`. */
export const IPFS_ZONE_PATH_PREFIX = '/ipfs/'

/**
 * The redirector's affinity key for a gateway zone request: the root CID of the content
 * path in CIDv1 form (so `Qm…` and `bafy…` of the same DAG meet), without the zone, since
 * nodes share verified blocks across zones: every path under one root, from any zone,
 * ranks the same nodes first and is fetched from upstream once per node. Undefined when
 * the path is not `/ipfs/<cid>…` with a CID that parses.
 */
export function ipfsAffinityKey(path: string): string | undefined {
  if (!path.startsWith(IPFS_ZONE_PATH_PREFIX)) return undefined
  const rest = path.slice(IPFS_ZONE_PATH_PREFIX.length)
  const end = rest.indexOf('/')
  const text = end === -1 ? rest : rest.slice(0, end)
  if (text.length === 0 || text.length > 512) return undefined
  try {
    return `ipfs\n${CID.parse(text).toV1().toString()}`
  } catch {
    return undefined
  }
}
