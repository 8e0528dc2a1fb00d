/**
 * Splits `total` base units among weights in proportion, exactly: every share is
 * floor(total × w / W), then the units left over (fewer than the number of weights)
 * go one each to the largest remainders (Hamilton's method), ties to the lower index, or
 * to the first by `tieBreak(a, b)` of the two indexes when given (the epoch close breaks
 * ties by node id, so its split does not depend on the fleet's order).
 * The shares always sum to `total` when some weight is positive; all zero otherwise
 * (nothing is distributed, and `total` is returned as `undistributed`).
 */
export function splitByWeight(total: bigint, weights: readonly bigint[], tieBreak?: (a: number, b: number) => number): { readonly shares: bigint[]; readonly undistributed: bigint } {
  if (total < 0n) throw new RangeError('total must be >= 0')
  let sum = 0n
  for (const weight of weights) {
    if (weight < 0n) throw new RangeError('weights must be >= 0')
    sum += weight
  }
  const shares = new Array<bigint>(weights.length).fill(0n)
  if (sum === 0n || total === 0n) return { shares, undistributed: sum === 0n ? total : 0n }
  // Remainders are ranked by their fraction of `sum` as a double: picking the units'
  // receivers needs only an order, and the shares stay exact whatever it is (ties and
  // near-ties go to the lower index, deterministically).
  const fractions = new Float64Array(weights.length)
  const candidates: number[] = []
  let given = 0n
  const sumAsNumber = Number(sum)
  for (let index = 0; index < weights.length; index += 1) {
    const weight = weights[index] ?? 0n
    if (weight === 0n) continue
    const product = total * weight
    const share = product / sum
    shares[index] = share
    given += share
    const remainder = product - share * sum
    if (remainder > 0n) {
      fractions[index] = Number(remainder) / sumAsNumber
      candidates.push(index)
    }
  }
  let left = Number(total - given)
  if (left > 0) {
    candidates.sort((a, b) => (fractions[b] ?? 0) - (fractions[a] ?? 0) || (tieBreak?.(a, b) ?? 0) || a - b)
    for (const index of candidates) {
      if (left === 0) break
      shares[index] = (shares[index] ?? 0n) + 1n
      left -= 1
    }
  }
  return { shares, undistributed: 0n }
}
