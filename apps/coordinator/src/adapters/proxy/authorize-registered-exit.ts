import { parseNodeId } from '@meson/protocol'
import type { FleetStore } from '../../fleet/fleet-store.ts'
import type { AuthorizedExit } from './tunnel-listener.ts'

/**
 * An exit may join the pool when its node is registered with exactly this key and is
 * not draining; its operator is the node's. The country comes from GeoIP of the
 * address the tunnel arrived from (where the node's traffic leaves).
 */
export function authorizeRegisteredExit(fleetStore: Pick<FleetStore, 'getFleetNode'>, countryOf: (address: string) => string | undefined) {
  return async (nodeId: string, publicKey: string, remoteAddress: string): Promise<AuthorizedExit | undefined> => {
    const id = parseNodeId(nodeId)
    if (!id.ok) return undefined
    const node = await fleetStore.getFleetNode(id.value)
    if (node === undefined || node.publicKey !== publicKey || node.status === 'draining') return undefined
    return { operatorId: node.operatorId, country: countryOf(remoteAddress)?.toLowerCase() }
  }
}
