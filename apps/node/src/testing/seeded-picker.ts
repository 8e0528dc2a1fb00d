/**
 * Test support (not a test): a seeded linear congruential generator answering "an index
 * below n", the same sequence on every run, so a random-operation test can be replayed.
 * `Math.imul` keeps the product in 32 bits (a plain multiply overflows a double's exact
 * range and the sequence would collapse).
 */
export function seededPicker(seed: number): (n: number) => number {
  let state = seed
  return (n) => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0
    return (state >>> 16) % n
  }
}
