import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { closeEpoch } from '../../rewards/close-epoch.ts'
import { DEFAULT_SCORE_CONFIG } from '../../rewards/score-config.ts'
import { SCENARIO_EMISSION, SCENARIO_EPOCH, SCENARIO_NODES, scenarioBalances, seedRewardsScenario } from '../../testing/rewards-scenario.ts'
import { openRewardsTestStores } from '../../testing/open-rewards-test-stores.ts'

const CHILD = fileURLToPath(new URL('../../testing/close-epoch-child.ts', import.meta.url))

describe('epoch close after kill -9', () => {
  const dirs: string[] = []
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true })
  })

  it('gives the same ledger when a close killed with SIGKILL half-way is run again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meson-epoch-crash-'))
    dirs.push(dir)
    const seedAt = (): Date => new Date(3_700_000)
    for (const name of ['crashed.db', 'clean.db']) {
      const pair = await openRewardsTestStores({ url: `sqlite:${join(dir, name)}`, now: seedAt })
      await seedRewardsScenario(pair.store, pair.rewardsStore)
      await pair.store.close()
    }

    const child = spawn(process.execPath, [CHILD, join(dir, 'crashed.db')], { stdio: ['ignore', 'pipe', 'inherit'] })
    const exit = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)))
    let output = ''
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes('posted')) resolve()
      })
      child.once('exit', () => reject(new Error(`child exited before posting: ${output}`)))
    })
    child.kill('SIGKILL')
    assert.equal(await exit, 'SIGKILL')

    const close = async (name: string): Promise<Record<string, string>> => {
      const pair = await openRewardsTestStores({ url: `sqlite:${join(dir, name)}`, now: () => new Date(SCENARIO_EPOCH.endMs + 2000) })
      try {
        const result = await closeEpoch(SCENARIO_EPOCH, {
          rewardsStore: pair.rewardsStore,
          listNodes: () => Promise.resolve(SCENARIO_NODES),
          postTransaction: (tx) => pair.store.postTransaction(tx),
          emissionSchedule: SCENARIO_EMISSION,
          scoreConfig: DEFAULT_SCORE_CONFIG,
          now: () => SCENARIO_EPOCH.endMs + 2000,
        })
        assert.equal(result.status, 'closed')
        return await scenarioBalances(pair.store)
      } finally {
        await pair.store.close()
      }
    }
    const crashedBalances = await close('crashed.db')
    assert.deepEqual(crashedBalances, await close('clean.db'))
    assert.notEqual(crashedBalances['system:emission'], '0')
  })
})
