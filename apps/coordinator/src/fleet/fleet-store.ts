import type { AccountId, NodeCapability, NodeId } from '@meson/protocol'

/**
 * The fleet's storage port: nodes as registration sees them, the signed commands sent
 * to them and their acknowledgements, and purges. One kysely implementation serves
 * SQLite and PostgreSQL (`adapters/db/kysely-fleet-store.ts`); the compliance suite in
 * `fleet-store.contract.ts` runs against both. Hot paths (heartbeats, redirects) never
 * wait on it: the fleet keeps its state in memory and writes here in batches.
 */

/** Where a node is in its life: registered, serving, silent, or leaving. */
export type NodeStatus = 'pending' | 'active' | 'down' | 'draining'

export interface FleetNodeRecord {
  readonly id: NodeId
  readonly operatorId: AccountId
  /** ed25519 public key, base64url of the raw 32 bytes. */
  readonly publicKey: string
  readonly publicUrl: string
  readonly version: string
  readonly status: NodeStatus
  /** TCP peer address the node registered from (one node per public IP). */
  readonly publicIp: string
  readonly diskQuotaBytes: bigint
  readonly declaredUplinkMbps: number
  readonly capabilities: readonly NodeCapability[]
  /** Whether the registration callback reached the node at `publicUrl`. */
  readonly isReachable: boolean
  readonly registeredAt: Date
  readonly lastHeartbeatAt: Date | null
}

export type FleetNodeInput = Omit<FleetNodeRecord, 'registeredAt' | 'lastHeartbeatAt'>

/** A command for one node, as stored (`payload` is the command's canonical JSON). */
export interface StoredCommand {
  readonly id: string
  readonly nodeId: NodeId
  readonly purgeId: string | null
  readonly payload: string
  readonly issuedAtMs: number
  readonly expiresAtMs: number
  readonly ackedAtMs: number | null
}

export interface PurgeRecord {
  readonly id: string
  readonly zoneName: string
  readonly accountId: AccountId
  readonly createdAt: Date
  /** One entry per node the purge was sent to. */
  readonly targets: readonly { readonly nodeId: NodeId; readonly ackedAtMs: number | null }[]
}

export interface FleetStore {
  /** Inserts or updates a node; `registeredAt` and `lastHeartbeatAt` survive an update. */
  saveNode(node: FleetNodeInput): Promise<FleetNodeRecord>
  getFleetNode(id: NodeId): Promise<FleetNodeRecord | undefined>
  /** Nodes ordered by registration time, then id. */
  listFleetNodes(filter?: { readonly operatorId?: AccountId }): Promise<readonly FleetNodeRecord[]>
  /** Nodes that registered from `publicIp`. */
  findNodesByPublicIp(publicIp: string): Promise<readonly FleetNodeRecord[]>
  /** Sets statuses in one transaction; unknown ids are ignored. */
  setNodeStatuses(changes: readonly { readonly id: NodeId; readonly status: NodeStatus }[]): Promise<void>
  /** Records the latest heartbeat times in one transaction (the batched write). */
  recordHeartbeats(entries: readonly { readonly id: NodeId; readonly at: Date }[]): Promise<void>

  /** Stores commands (ids are unique; a repeated id is ignored). */
  saveCommands(commands: readonly StoredCommand[]): Promise<void>
  /** Marks commands of `nodeId` acknowledged (once; another node's ids are ignored); returns how many changed. */
  acknowledgeCommands(nodeId: NodeId, ids: readonly string[], at: Date): Promise<number>
  /** Commands not acknowledged and not expired at `nowMs`, oldest first. */
  listPendingCommands(nowMs: number): Promise<readonly StoredCommand[]>

  /** Stores a purge and its per-node commands atomically. */
  createPurge(purge: { readonly id: string; readonly zoneName: string; readonly accountId: AccountId; readonly createdAt: Date }, commands: readonly StoredCommand[]): Promise<void>
  getPurge(id: string): Promise<PurgeRecord | undefined>
}
