import { createHash } from 'node:crypto'
import { encodeBase32, parseNodeId } from '@meson/protocol'
import type { NodeId } from '@meson/protocol'
import type { FleetNode } from '../routing/fleet-node.ts'

/** Test fixtures: well-formed, deterministic node ids and nodes. Not used by production code. */

/** A valid node id derived from `label` (same label, same id). */
export function testNodeId(label: string | number): NodeId {
  const digest = createHash('sha256').update(String(label)).digest()
  const parsed = parseNodeId(`nd_${encodeBase32(digest.subarray(0, 20))}`)
  if (!parsed.ok) throw new Error(parsed.reason)
  return parsed.value
}

/** A healthy, idle node of weight 1 in Germany unless overridden. */
export function testNode(label: string | number, overrides: Partial<Omit<FleetNode, 'nodeId'>> = {}): FleetNode {
  return {
    nodeId: testNodeId(label),
    publicUrl: `http://node-${String(label)}.example:8080`,
    country: 'DE',
    continent: 'EU',
    load: 0,
    healthy: true,
    weight: 1,
    ...overrides,
  }
}
