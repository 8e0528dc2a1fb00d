import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { httpDateText } from './http-date-text.ts'

describe('httpDateText', () => {
  it('formats an IMF-fixdate of the whole second', () => {
    assert.equal(httpDateText(Date.UTC(2024, 0, 2, 3, 4, 5, 999)), 'Tue, 02 Jan 2024 03:04:05 GMT')
  })

  it('changes when the second changes', () => {
    assert.equal(httpDateText(Date.UTC(2024, 0, 2, 3, 4, 6)), 'Tue, 02 Jan 2024 03:04:06 GMT')
    assert.equal(httpDateText(Date.UTC(2024, 0, 2, 3, 4, 5, 1)), 'Tue, 02 Jan 2024 03:04:05 GMT')
  })
})
