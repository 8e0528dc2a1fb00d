// One benchmark step in its own process, so its peak memory is its own:
//   seed  <url> <schema|-> <nodes>   stores the epoch's probe results (not timed)
//   close <url> <schema|-> <nodes>   closes the epoch, prints {"ms","maxRssBytes",...}
//   floor <url> <schema|-> <nodes>   the peer: bulk INSERTs of the same row counts, nothing else
import { subscribe } from 'node:diagnostics_channel'
import { performance } from 'node:perf_hooks'
import { sql } from 'kysely'
import { closeEpoch, createStores, DEFAULT_SCORE_CONFIG, EPOCH_CLOSE_CHANNEL, openDatabase } from '@meson/coordinator/testing'
import type { RewardsStore } from '@meson/coordinator/testing'
import { BENCH_EPOCH, simulatedNodes, simulatedProbes } from './simulated-epoch.ts'

const [step, url, schemaArg, countText] = process.argv.slice(2)
if (step === undefined || url === undefined || schemaArg === undefined || countText === undefined) throw new Error('usage: epoch-worker.ts seed|close|floor <url> <schema|-> <nodes>')
const count = Number(countText)
const database = await openDatabase({ url, ...(schemaArg === '-' ? {} : { schema: schemaArg }) })
const stores = createStores(database, { now: () => new Date(BENCH_EPOCH.endMs + 60_000) })
const { store } = stores
const rewardsStore: RewardsStore = stores.rewards
/** Milliseconds spent in each store step of the close, for the report. */
const phases: Record<string, number> = {}
async function timed<T>(name: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now()
  try {
    return await run()
  } finally {
    phases[name] = (phases[name] ?? 0) + performance.now() - started
  }
}
const nodes = simulatedNodes(count)

if (step === 'seed') {
  for (let from = 0; from < count; from += 50_000) await rewardsStore.saveProbeResults(simulatedProbes(nodes, from, Math.min(count, from + 50_000)))
  if (database.dialect === 'postgres') await sql`analyze`.execute(database.db)
  process.stdout.write('{}\n')
} else if (step === 'close') {
  // The close's own step ends (diagnostics_channel), turned into each step's duration.
  const marks: { phase: string; atMs: number }[] = []
  subscribe(EPOCH_CLOSE_CHANNEL, (message) => marks.push(message as { phase: string; atMs: number }))
  const started = performance.now()
  const result = await closeEpoch(BENCH_EPOCH, {
    rewardsStore: {
      ...bindAll(rewardsStore),
      loadEpochEvidence: (start, end) => timed('loadEvidence', () => rewardsStore.loadEpochEvidence(start, end)).finally(() => marks.push({ phase: 'loaded', atMs: performance.now() })),
      claimEpoch: (plan, at) => {
        marks.push({ phase: 'claiming', atMs: performance.now() })
        return timed('storePlan', () => rewardsStore.claimEpoch(plan, at))
      },
    },
    listNodes: () => Promise.resolve(nodes),
    postTransaction: (tx) => timed('postLedger', () => store.postTransaction(tx)),
    emissionSchedule: { genesisMs: 0, perHourInitial: 1000n * 10n ** 18n, yearlyDecayNumerator: 100n, yearlyDecayDenominator: 100n },
    scoreConfig: DEFAULT_SCORE_CONFIG,
    now: () => BENCH_EPOCH.endMs + 60_000,
  })
  const ms = performance.now() - started
  // Each step from the previous mark: score (builds each node's input and scores it),
  // order (by node id), sybil, split, payouts (per operator + ledger transactions),
  // gap (plan → store), scores/payouts written, commit.
  const names: Record<string, string> = { scored: 'score', sybil: 'sybil', split: 'split', 'payouts-planned': 'planPayouts', claiming: 'toStore', 'scores-written': 'writeScores', 'payouts-written': 'writePayouts', committed: 'commit' }
  marks.forEach((mark, index) => {
    const name = names[mark.phase]
    const before = marks[index - 1]
    if (name !== undefined && before !== undefined) phases[name] = mark.atMs - before.atMs
  })
  const epoch = await rewardsStore.getEpoch(BENCH_EPOCH.id)
  process.stdout.write(`${JSON.stringify({ ms, cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000, phases, maxRssBytes: process.resourceUsage().maxRSS * 1024, status: result.status, nodesRewarded: epoch?.nodesRewarded, emitted: epoch?.emitted.toString() })}\n`)
} else {
  // The peer: the same number of score rows and ledger entries, written by plain
  // multi-row INSERTs into a scratch table, with no reading, scoring or splitting.
  await sql`create table bench_floor (a text not null, b text not null, c text not null, d text not null)`.execute(database.db)
  const started = performance.now()
  await database.db.transaction().execute(async (trx) => {
    for (let from = 0; from < count * 2; from += 5000) {
      const rows = []
      for (let index = from; index < Math.min(count * 2, from + 5000); index += 1) rows.push(sql`(${`row-${index}`}, ${'operator:x:pending'}, ${String(index * 1000)}, ${'{}'})`)
      await sql`insert into bench_floor (a, b, c, d) values ${sql.join(rows)}`.execute(trx)
    }
  })
  const ms = performance.now() - started
  process.stdout.write(`${JSON.stringify({ ms, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`)
}
await store.close()

/** The store's methods bound to it, so single ones can be wrapped. */
function bindAll(target: RewardsStore): RewardsStore {
  return {
    claimEpoch: (plan, at) => target.claimEpoch(plan, at),
    markEpochClosed: (id, at) => target.markEpochClosed(id, at),
    getEpoch: (id) => target.getEpoch(id),
    listEpochs: (limit) => target.listEpochs(limit),
    latestEpoch: () => target.latestEpoch(),
    listEpochPayouts: (id) => target.listEpochPayouts(id),
    listEarnings: (operatorId, limit) => target.listEarnings(operatorId, limit),
    getNodeScore: (nodeId, epochId) => target.getNodeScore(nodeId, epochId),
    listNodePenalties: (nodeId, limit) => target.listNodePenalties(nodeId, limit),
    saveProbeResults: (results) => target.saveProbeResults(results),
    listProbeResults: (nodeId, from, to) => target.listProbeResults(nodeId, from, to),
    loadEpochEvidence: (from, to) => target.loadEpochEvidence(from, to),
  }
}
