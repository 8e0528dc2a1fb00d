import type { ColumnType, Kysely, Selectable } from 'kysely'
import { NODE_CAPABILITIES } from '@meson/protocol'
import type { AccountId, NodeCapability, NodeId } from '@meson/protocol'
import type { FleetNodeInput, FleetNodeRecord, FleetStore, NodeStatus, PurgeRecord, StoredCommand } from '../../fleet/fleet-store.ts'
import type { DatabaseSchema, NodesTable } from './database-schema.ts'
import { toDate } from './map-rows.ts'

type TimestampMs = ColumnType<number | string, number, number>
type NullableTimestampMs = ColumnType<number | string | null, number | null, number | null>

/** Columns migration 0002-fleet adds to `nodes` (nullable: older rows lack them). */
type NodeFleetColumns = {
  public_ip: string | null
  disk_quota_bytes: string | null
  declared_uplink_mbps: number | null
  capabilities: string | null
  is_reachable: number | null
}

type PurgesTable = {
  id: string
  zone_name: string
  account_id: string
  created_at: TimestampMs
}

type NodeCommandsTable = {
  id: string
  node_id: string
  purge_id: string | null
  payload: string
  issued_at: TimestampMs
  expires_at: TimestampMs
  acked_at: NullableTimestampMs
}

/** The tables of 0002-fleet, merged into the shared schema with `$extendTables` (which needs type aliases, not interfaces). */
type FleetTables = {
  nodes: NodeFleetColumns
  purges: PurgesTable
  node_commands: NodeCommandsTable
}

type FleetDatabase = Kysely<DatabaseSchema & FleetTables>
type NodeRow = Selectable<NodesTable> & Selectable<NodeFleetColumns>

/**
 * The `FleetStore` over the same kysely instance as the main store (SQLite or
 * PostgreSQL). Multi-row writes run in one transaction; every value is bound.
 */
export class KyselyFleetStore implements FleetStore {
  readonly #db: FleetDatabase
  readonly #now: () => Date

  constructor(db: Kysely<DatabaseSchema>, options: { readonly now?: () => Date } = {}) {
    this.#db = db.$extendTables<FleetTables>()
    this.#now = options.now ?? (() => new Date())
  }

  async saveNode(node: FleetNodeInput): Promise<FleetNodeRecord> {
    const changes = {
      operator_id: node.operatorId,
      public_key: node.publicKey,
      public_url: node.publicUrl,
      version: node.version,
      status: node.status,
      public_ip: node.publicIp,
      disk_quota_bytes: node.diskQuotaBytes.toString(),
      declared_uplink_mbps: node.declaredUplinkMbps,
      capabilities: node.capabilities.join(','),
      is_reachable: node.isReachable ? 1 : 0,
    }
    const row = await this.#db
      .insertInto('nodes')
      .values({ id: node.id, ...changes, registered_at: this.#now().getTime(), last_heartbeat_at: null })
      .onConflict((conflict) => conflict.column('id').doUpdateSet(changes))
      .returningAll()
      .executeTakeFirstOrThrow()
    return toFleetNode(row)
  }

  async getFleetNode(id: NodeId): Promise<FleetNodeRecord | undefined> {
    const row = await this.#db.selectFrom('nodes').selectAll().where('id', '=', id).executeTakeFirst()
    return row === undefined ? undefined : toFleetNode(row)
  }

  async listFleetNodes(filter: { readonly operatorId?: AccountId } = {}): Promise<readonly FleetNodeRecord[]> {
    let query = this.#db.selectFrom('nodes').selectAll()
    if (filter.operatorId !== undefined) query = query.where('operator_id', '=', filter.operatorId)
    const rows = await query.orderBy('registered_at').orderBy('id').execute()
    return rows.map(toFleetNode)
  }

  async findNodesByPublicIp(publicIp: string): Promise<readonly FleetNodeRecord[]> {
    const rows = await this.#db.selectFrom('nodes').selectAll().where('public_ip', '=', publicIp).orderBy('registered_at').orderBy('id').execute()
    return rows.map(toFleetNode)
  }

  async setNodeStatuses(changes: readonly { readonly id: NodeId; readonly status: NodeStatus }[]): Promise<void> {
    if (changes.length === 0) return
    await this.#db.transaction().execute(async (tx) => {
      for (const change of changes) await tx.updateTable('nodes').set({ status: change.status }).where('id', '=', change.id).execute()
    })
  }

  async recordHeartbeats(entries: readonly { readonly id: NodeId; readonly at: Date }[]): Promise<void> {
    if (entries.length === 0) return
    await this.#db.transaction().execute(async (tx) => {
      for (const entry of entries) await tx.updateTable('nodes').set({ last_heartbeat_at: entry.at.getTime() }).where('id', '=', entry.id).execute()
    })
  }

  async saveCommands(commands: readonly StoredCommand[]): Promise<void> {
    if (commands.length === 0) return
    await this.#db.transaction().execute(async (tx) => {
      await insertCommands(tx, commands)
    })
  }

  async acknowledgeCommands(nodeId: NodeId, ids: readonly string[], at: Date): Promise<number> {
    if (ids.length === 0) return 0
    const result = await this.#db
      .updateTable('node_commands')
      .set({ acked_at: at.getTime() })
      .where('node_id', '=', nodeId)
      .where('id', 'in', [...ids])
      .where('acked_at', 'is', null)
      .executeTakeFirst()
    return Number(result.numUpdatedRows)
  }

  async listPendingCommands(nowMs: number): Promise<readonly StoredCommand[]> {
    const rows = await this.#db
      .selectFrom('node_commands')
      .selectAll()
      .where('acked_at', 'is', null)
      .where('expires_at', '>', nowMs)
      .orderBy('issued_at')
      .orderBy('id')
      .execute()
    return rows.map(toStoredCommand)
  }

  async createPurge(
    purge: { readonly id: string; readonly zoneName: string; readonly accountId: AccountId; readonly createdAt: Date },
    commands: readonly StoredCommand[],
  ): Promise<void> {
    await this.#db.transaction().execute(async (tx) => {
      await tx
        .insertInto('purges')
        .values({ id: purge.id, zone_name: purge.zoneName, account_id: purge.accountId, created_at: purge.createdAt.getTime() })
        .execute()
      await insertCommands(tx, commands)
    })
  }

  async getPurge(id: string): Promise<PurgeRecord | undefined> {
    const purge = await this.#db.selectFrom('purges').selectAll().where('id', '=', id).executeTakeFirst()
    if (purge === undefined) return undefined
    const targets = await this.#db
      .selectFrom('node_commands')
      .select(['node_id', 'acked_at'])
      .where('purge_id', '=', id)
      .orderBy('node_id')
      .execute()
    return {
      id: purge.id,
      zoneName: purge.zone_name,
      // Only this layer writes these columns, from branded values.
      accountId: purge.account_id as AccountId,
      createdAt: toDate(purge.created_at),
      targets: targets.map((target) => ({ nodeId: target.node_id as NodeId, ackedAtMs: target.acked_at === null ? null : Number(target.acked_at) })),
    }
  }
}

async function insertCommands(db: FleetDatabase, commands: readonly StoredCommand[]): Promise<void> {
  if (commands.length === 0) return
  await db
    .insertInto('node_commands')
    .values(
      commands.map((command) => ({
        id: command.id,
        node_id: command.nodeId,
        purge_id: command.purgeId,
        payload: command.payload,
        issued_at: command.issuedAtMs,
        expires_at: command.expiresAtMs,
        acked_at: command.ackedAtMs,
      })),
    )
    .onConflict((conflict) => conflict.column('id').doNothing())
    .execute()
}

function toStoredCommand(row: Selectable<NodeCommandsTable>): StoredCommand {
  return {
    id: row.id,
    // Only this layer writes node_id, from a NodeId.
    nodeId: row.node_id as NodeId,
    purgeId: row.purge_id,
    payload: row.payload,
    issuedAtMs: Number(row.issued_at),
    expiresAtMs: Number(row.expires_at),
    ackedAtMs: row.acked_at === null ? null : Number(row.acked_at),
  }
}

function isCapability(text: string): text is NodeCapability {
  return (NODE_CAPABILITIES as readonly string[]).includes(text)
}

function toFleetNode(row: NodeRow): FleetNodeRecord {
  return {
    // Only the stores write these columns, from branded values; the CHECK bounds status.
    id: row.id as NodeId,
    operatorId: row.operator_id as AccountId,
    publicKey: row.public_key,
    publicUrl: row.public_url,
    version: row.version,
    status: row.status as NodeStatus,
    publicIp: row.public_ip ?? '',
    diskQuotaBytes: BigInt(row.disk_quota_bytes ?? '0'),
    declaredUplinkMbps: row.declared_uplink_mbps ?? 0,
    capabilities: (row.capabilities ?? '').split(',').filter(isCapability),
    isReachable: row.is_reachable === 1,
    registeredAt: toDate(row.registered_at),
    lastHeartbeatAt: row.last_heartbeat_at === null ? null : toDate(row.last_heartbeat_at),
  }
}
