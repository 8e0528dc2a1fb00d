import { z } from 'zod'
import type { LiveNode } from '../../../../fleet/fleet-registry.ts'
import type { RejectedLinesByReason } from '../../../../metering/rejection-counters.ts'
import { defineRoute, requireAccount } from '../../route-spec.ts'
import type { RouteContext } from '../../route-spec.ts'

/** A node as the nodes API shows it; byte counts are decimal strings. */
function toNodeJson(node: LiveNode, rejectedUsageLines: RejectedLinesByReason | null): Record<string, unknown> {
  const { record, stats } = node
  return {
    nodeId: record.id,
    operatorId: record.operatorId,
    status: node.status,
    publicUrl: record.publicUrl,
    publicIp: record.publicIp,
    version: record.version,
    capabilities: record.capabilities,
    reachable: record.isReachable,
    diskQuotaBytes: record.diskQuotaBytes.toString(),
    declaredUplinkMbps: record.declaredUplinkMbps,
    registeredAt: record.registeredAt.toISOString(),
    // Usage lines the coordinator refused from this node, by reason (DESIGN.md §8).
    rejectedUsageLines,
    lastHeartbeatAt: node.lastHeartbeatMs === undefined ? (record.lastHeartbeatAt?.toISOString() ?? null) : new Date(node.lastHeartbeatMs).toISOString(),
    // Counters of the last heartbeat since this coordinator started (null before the first).
    counters:
      stats === undefined
        ? null
        : {
            load: stats.load,
            inflight: stats.inflight,
            freeDiskBytes: stats.freeDiskBytes.toString(),
            servedBytes: stats.servedBytes.toString(),
            cacheHits: stats.cache.hits,
            cacheMisses: stats.cache.misses,
            cacheObjects: stats.cache.objects,
            cacheStoredBytes: stats.cache.storedBytes.toString(),
          },
  }
}

function nodesJson(nodes: readonly LiveNode[], context: RouteContext): Record<string, unknown>[] {
  return nodes.map((node) => toNodeJson(node, context.metering.rejectedLinesOf(node.record.id)))
}

const nodesReply = { description: '{ nodes: [...] } with status, last heartbeat, version, public URL and counters', schema: z.object({ nodes: z.array(z.unknown()) }) }

/** `GET /v1/nodes` (operator): the caller's nodes. */
export const listOwnNodesRoute = defineRoute({
  method: 'GET',
  url: '/v1/nodes',
  summary: "The caller's nodes",
  auth: 'operator',
  responses: { 200: nodesReply },
  handle: (input, context) => Promise.resolve({ status: 200, body: { nodes: nodesJson(context.fleet.listNodes(requireAccount(input.caller).id), context) } }),
})

/** `GET /v1/admin/nodes` (admin): every node. */
export const listAllNodesRoute = defineRoute({
  method: 'GET',
  url: '/v1/admin/nodes',
  summary: 'Every node of the network',
  auth: 'admin',
  responses: { 200: nodesReply },
  handle: (_input, context) => Promise.resolve({ status: 200, body: { nodes: nodesJson(context.fleet.listNodes(), context) } }),
})
