import type { AccountId } from '@meson/protocol'
import { sql } from 'kysely'
import type { Kysely, SelectQueryBuilder } from 'kysely'
import type { ProbeEvidence, ProbeKind } from '../../rewards/probe-result.ts'
import type { EpochEvidence } from '../../rewards/rewards-store.ts'
import type { DatabaseSchema } from './database-schema.ts'
import type { RewardsDatabaseSchema } from './rewards-database-schema.ts'
import type { SqlDialect } from './sql-dialect.ts'

type Schema = DatabaseSchema & RewardsDatabaseSchema
/** Rows SQLite hands over per step of a stream. */
const ROWS_PER_READ = 10_000

export interface EvidenceReadOptions {
  readonly dialect: SqlDialect
  /** Rows per keyset page read from PostgreSQL. */
  readonly rowsPerPage: number
}

const PROBE_KINDS: readonly ProbeKind[] = ['content', 'ipfs-content', 'speed', 'reachability', 'tunnel', 'usage', 'storage']

export function toProbeKind(text: string): ProbeKind {
  return PROBE_KINDS.find((kind) => kind === text) ?? 'reachability'
}

/**
 * Reading an epoch's evidence for its close (the rewards store's `loadEpochEvidence`):
 * the probe results of the window, the previous epoch's credit per node and the usage
 * credited to operators in the window, row by row so a million nodes fit in memory.
 */
export async function readEpochEvidence(db: Kysely<Schema>, options: EvidenceReadOptions, startMs: number, endMs: number): Promise<EpochEvidence> {
  const mbps = options.dialect === 'postgres' ? sql<number | null>`(measurements::json->>'mbps')::float8` : sql<number | null>`measurements->>'mbps'`
  // The fill a storage probe proved; only storage rows carry it.
  const heldBytes = options.dialect === 'postgres' ? sql<number | null>`(measurements::json->>'heldBytes')::float8` : sql<number | null>`measurements->>'heldBytes'`
  const query = db
    .selectFrom('probe_results')
    .select(['id', 'at_ms', 'node_id', 'kind', 'outcome', 'reason', mbps.as('mbps'), heldBytes.as('held_bytes')])
    .where('at_ms', '>=', startMs)
    .where('at_ms', '<', endMs)
    .orderBy('at_ms')
    .orderBy('id')
  // Each row becomes a small object of the evidence's own shape (see #rowsOf); the
  // reasons repeat ("measured" a million times), so each text is kept once.
  const probes: ProbeEvidence[] = []
  const reasons = new Map<string, string>()
  const add = (row: { id: string; node_id: string; kind: string; outcome: string; reason: string; mbps: number | null; held_bytes: number | null }): void => {
    let reason = reasons.get(row.reason)
    if (reason === undefined) {
      reason = row.reason
      reasons.set(reason, reason)
    }
    const probe: ProbeEvidence = {
      id: row.id,
      nodeId: row.node_id,
      kind: toProbeKind(row.kind),
      outcome: row.outcome === 'pass' ? 'pass' : 'fail',
      reason,
      mbps: typeof row.mbps === 'number' ? row.mbps : null,
    }
    probes.push(probe.kind === 'storage' ? { ...probe, heldBytes: typeof row.held_bytes === 'number' ? row.held_bytes : null } : probe)
  }
  const probePages = (after: { at_ms: number | string; id: string } | undefined): typeof query =>
    // `at_ms >= last` on its own too: inside the OR it could not bound the index scan,
    // and every page would walk the window from its start.
    after === undefined
      ? query
      : query.where('at_ms', '>=', Number(after.at_ms)).where((eb) => eb.or([eb('at_ms', '>', Number(after.at_ms)), eb('id', '>', after.id)]))
  for await (const row of rowsOf(options, query, probePages)) add(row)
  reasons.clear()
  const previousEpoch = await db.selectFrom('epochs').select('id').where('start_ms', '<', startMs).orderBy('start_ms', 'desc').limit(1).executeTakeFirst()
  const previous = new Map<string, { credit: number; measuredMbps: number | null }>()
  if (previousEpoch !== undefined) {
    const rows = db.selectFrom('epoch_node_scores').select(['node_id', 'credit', 'measured_mbps']).where('epoch_id', '=', previousEpoch.id).orderBy('node_id')
    const pages = (after: { node_id: string } | undefined): typeof rows => (after === undefined ? rows : rows.where('node_id', '>', after.node_id))
    for await (const row of rowsOf(options, rows, pages)) previous.set(row.node_id, { credit: row.credit, measuredMbps: row.measured_mbps })
  }
  return { probes, previous, usageEarnings: await usageEarnings(db, options.dialect, startMs, endMs) }
}

/**
 * A query's rows one by one, never all at once: streamed from SQLite (node:sqlite
 * builds each row as a dictionary-mode object several times the size of a plain one,
 * and a million of them held at once were most of an epoch close's memory), read from
 * PostgreSQL in pages of `rowsPerPage` by keyset (`after(lastRow)` is the query of
 * the rows after the page's last; the query is ordered by that key), as streaming
 * there needs a cursor package.
 */
async function* rowsOf<Tables, Table extends keyof Tables, Row>(options: EvidenceReadOptions, query: SelectQueryBuilder<Tables, Table, Row>, after: (lastRow: Row | undefined) => SelectQueryBuilder<Tables, Table, Row>): AsyncGenerator<Row> {
  if (options.dialect === 'sqlite') {
    yield* query.stream(ROWS_PER_READ)
    return
  }
  let last: Row | undefined
  for (;;) {
    // kysely types an executed row as Simplify<Row>: the same shape, spelled out.
    const rows = (await after(last).limit(options.rowsPerPage).execute()) as Row[]
    yield* rows
    if (rows.length < options.rowsPerPage) return
    last = rows[rows.length - 1]
  }
}

/** Usage credited to `operator:<id>:pending` by metering (transaction kind `usage`) in the window. */
async function usageEarnings(db: Kysely<Schema>, dialect: SqlDialect, startMs: number, endMs: number): Promise<Map<AccountId, bigint>> {
  const base = db
    .selectFrom('ledger_entries')
    .innerJoin('ledger_transactions', 'ledger_transactions.id', 'ledger_entries.transaction_id')
    .where('ledger_transactions.kind', '=', 'usage')
    .where('ledger_entries.ledger_account', 'like', 'operator:%:pending')
    .where('ledger_entries.created_at', '>=', startMs)
    .where('ledger_entries.created_at', '<', endMs)
  const earnings = new Map<AccountId, bigint>()
  const add = (account: string, amount: bigint): void => {
    const operatorId = account.slice('operator:'.length, -':pending'.length) as AccountId
    earnings.set(operatorId, (earnings.get(operatorId) ?? 0n) + amount)
  }
  if (dialect === 'postgres') {
    // SUM over numeric is exact in PostgreSQL.
    const rows = await base
      .select(['ledger_entries.ledger_account', sql<string>`sum(ledger_entries.amount)`.as('total')])
      .groupBy('ledger_entries.ledger_account')
      .execute()
    for (const row of rows) add(row.ledger_account, BigInt(row.total))
    return earnings
  }
  // SQLite would SUM the TEXT money as a double; the sum is done here, exactly.
  const rows = await base.select(['ledger_entries.ledger_account', 'ledger_entries.amount']).execute()
  for (const row of rows) add(row.ledger_account, BigInt(row.amount))
  return earnings
}
