import assert from 'node:assert/strict'

/** Asserts the call reverts with the named custom error (viem puts `Name(...)` in its message). */
export async function expectRevert(call: Promise<unknown>, errorName: string): Promise<void> {
  await assert.rejects(call, (error: unknown) => {
    assert.ok(error instanceof Error)
    assert.match(error.message, new RegExp(`\\b${errorName}\\b`))
    return true
  })
}
