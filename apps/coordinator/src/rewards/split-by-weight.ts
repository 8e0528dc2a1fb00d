/**
 * Splits `total` base units among weights in proportion, exactly: every share is
 * floor(total × w / W), then the units left over (fewer than the number of weights)
 * go one each to the largest remainders, ties to the lower index (Hamilton's method).
 * The shares always sum to `total` when some weight is positive; all zero otherwise
 * (nothing is distributed, and `total` is returned as `undistributed`).
 */
export function splitByWeight(total: bigint, weights: readonly bigint[]): { readonly shares: bigint[]; readonly undistributed: bigint } {
  if (total < 0n) throw new RangeError('total must be >= 0')
  let sum = 0n
  for (const weight of weights) {
    if (weight < 0n) throw new RangeError('weights must be >= 0')
    sum += weight
  }
  const shares = new Array<bigint>(weights.length).fill(0n)
  if (sum === 0n || total === 0n) return { shares, undistributed: sum === 0n ? total : 0n }
  const remainders: { index: number; remainder: bigint }[] = []
  let given = 0n
  for (let index = 0; index < weights.length; index += 1) {
    const product = total * (weights[index] ?? 0n)
    const share = product / sum
    shares[index] = share
    given += share
    const remainder = product % sum
    if (remainder > 0n) remainders.push({ index, remainder })
  }
  let left = total - given
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1))
  for (const { index } of remainders) {
    if (left === 0n) break
    shares[index] = (shares[index] ?? 0n) + 1n
    left -= 1n
  }
  return { shares, undistributed: 0n }
}
