/**
 * The coordinator's HTTP endpoints for nodes, as paths under its base URL (which may
 * carry a prefix). Both sides take them from here: the coordinator's routes and the
 * node's link, so neither keeps its own copy.
 */
export const NODE_API_PATHS = {
  coordinatorKey: '/v1/coordinator-key',
  register: '/v1/nodes/register',
  heartbeat: '/v1/nodes/heartbeat',
  usage: '/v1/nodes/usage',
  /** Proof of storage: one more segment of fill (answered with its bytes), a held segment's digest, released segments. */
  storageFill: '/v1/nodes/storage/fill',
  storageConfirm: '/v1/nodes/storage/confirm',
  storageRelease: '/v1/nodes/storage/release',
} as const

export type NodeApiEndpoint = keyof typeof NODE_API_PATHS

/**
 * Error codes of the node API that a node acts on (the body is `{ error: { code, message } }`):
 * an unknown node registers again; a duplicate usage batch counts as acknowledged.
 */
export const NODE_API_ERROR_CODES = {
  nodeUnknown: 'NODE_UNKNOWN',
  usageBatchDuplicate: 'USAGE_BATCH_DUPLICATE',
} as const
