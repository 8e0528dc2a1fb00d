import { openStores } from '../adapters/db/open-store.ts'
import { closeEpoch } from '../rewards/close-epoch.ts'
import { DEFAULT_SCORE_CONFIG } from '../rewards/score-config.ts'
import { SCENARIO_EMISSION, SCENARIO_EPOCH, SCENARIO_NODES } from './rewards-scenario.ts'

/**
 * Test support (not a test), run as a child process: closes the scenario's epoch on the
 * SQLite file given as argument, and after the first ledger transaction is committed
 * says `posted` on stdout and freezes, so the parent can kill -9 it mid-close.
 */
const path = process.argv[2]
if (path === undefined) throw new Error('usage: close-epoch-child.ts <sqlite file>')
const stores = await openStores({ url: `sqlite:${path}`, now: () => new Date(SCENARIO_EPOCH.endMs + 1000) })
const { store } = stores
await closeEpoch(SCENARIO_EPOCH, {
  rewardsStore: stores.rewards,
  listNodes: () => Promise.resolve(SCENARIO_NODES),
  postTransaction: (tx) => store.postTransaction(tx),
  emissionSchedule: SCENARIO_EMISSION,
  scoreConfig: DEFAULT_SCORE_CONFIG,
  now: () => SCENARIO_EPOCH.endMs + 1000,
  afterPost: () => {
    process.stdout.write('posted\n')
    // Block the thread (no timers, no I/O) until the parent's SIGKILL arrives.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000)
  },
})
process.stdout.write('finished\n')
