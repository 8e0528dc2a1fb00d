/**
 * Semantic Versioning 2.0.0 precedence (semver.org §11), hand-written because the
 * coordinator only needs a comparison, not a range language: MAJOR.MINOR.PATCH
 * numerically; a pre-release sorts before its release; pre-release identifiers compare
 * left to right, numeric ones numerically and below alphanumeric ones, a shorter list
 * first when all else is equal; build metadata (`+...`) is ignored. Inputs are assumed
 * to match the protocol's `semverSchema`; anything else returns undefined.
 */
export function compareVersions(a: string, b: string): -1 | 0 | 1 | undefined {
  const left = parseVersion(a)
  const right = parseVersion(b)
  if (left === undefined || right === undefined) return undefined
  for (let index = 0; index < 3; index++) {
    const order = compareBig(left.core[index] ?? 0n, right.core[index] ?? 0n)
    if (order !== 0) return order
  }
  return comparePreRelease(left.pre, right.pre)
}

/** True if `version` is at least `minimum` (both semver strings); false if either is not one. */
export function isVersionAtLeast(version: string, minimum: string): boolean {
  const order = compareVersions(version, minimum)
  return order !== undefined && order >= 0
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-.]+)?$/

interface ParsedVersion {
  readonly core: readonly bigint[]
  readonly pre: readonly string[]
}

function parseVersion(text: string): ParsedVersion | undefined {
  const match = SEMVER.exec(text)
  if (match === null) return undefined
  // bigint: §2 puts no bound on the numbers, and 2^53 must not silently round.
  return { core: [BigInt(match[1] ?? '0'), BigInt(match[2] ?? '0'), BigInt(match[3] ?? '0')], pre: match[4] === undefined ? [] : match[4].split('.') }
}

function comparePreRelease(left: readonly string[], right: readonly string[]): -1 | 0 | 1 {
  // §11.3: a version without pre-release identifiers has the higher precedence.
  if (left.length === 0 || right.length === 0) return left.length === right.length ? 0 : left.length === 0 ? 1 : -1
  const length = Math.min(left.length, right.length)
  for (let index = 0; index < length; index++) {
    const order = compareIdentifier(left[index] ?? '', right[index] ?? '')
    if (order !== 0) return order
  }
  return left.length === right.length ? 0 : left.length < right.length ? -1 : 1
}

function compareIdentifier(left: string, right: string): -1 | 0 | 1 {
  const isLeftNumeric = /^\d+$/.test(left)
  const isRightNumeric = /^\d+$/.test(right)
  if (isLeftNumeric && isRightNumeric) return compareBig(BigInt(left), BigInt(right))
  // §11.4.3: numeric identifiers always have lower precedence than alphanumeric ones.
  if (isLeftNumeric !== isRightNumeric) return isLeftNumeric ? -1 : 1
  // §11.4.2: alphanumeric identifiers compare in ASCII order.
  return left < right ? -1 : left > right ? 1 : 0
}

function compareBig(left: bigint, right: bigint): -1 | 0 | 1 {
  return left < right ? -1 : left > right ? 1 : 0
}
