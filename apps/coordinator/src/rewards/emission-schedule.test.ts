import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { emissionForEpoch, emissionRateAt } from './emission-schedule.ts'

const schedule = { genesisMs: 0, perHourInitial: 1000n * 10n ** 18n, yearlyDecayNumerator: 80n, yearlyDecayDenominator: 100n }
const YEAR = 365 * 24 * 3_600_000

describe('emission schedule', () => {
  it('emits the hourly amount pro rata to the epoch length', () => {
    assert.equal(emissionForEpoch(schedule, 0, 3_600_000), 1000n * 10n ** 18n)
    assert.equal(emissionForEpoch(schedule, 0, 10_000), (1000n * 10n ** 18n * 10_000n) / 3_600_000n)
  })

  it('decays by the yearly ratio', () => {
    assert.equal(emissionRateAt(schedule, YEAR + 1), 800n * 10n ** 18n)
    assert.equal(emissionRateAt(schedule, 2 * YEAR + 1), 640n * 10n ** 18n)
  })

  it('emits nothing before genesis or for an empty epoch', () => {
    assert.equal(emissionForEpoch({ ...schedule, genesisMs: 10 }, 0, 5), 0n)
    assert.equal(emissionForEpoch(schedule, 5, 5), 0n)
  })
})
