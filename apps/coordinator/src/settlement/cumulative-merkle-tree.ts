import { keccak_256 } from '@noble/hashes/sha3'
import { bytesToHex, hexToBytes } from 'viem'
import type { Address, Hex } from 'viem'

/** One leaf: everything ever owed to `account`, in token base units. */
export interface CumulativeEntry {
  readonly account: Address
  readonly cumulativeAmount: bigint
}

/** A built tree: its root, and proofs by account. */
export interface CumulativeMerkleTree {
  readonly root: Hex
  readonly size: number
  /** The leaf and its proof, or undefined when the account is not in the tree. */
  proofFor(account: Address): { readonly cumulativeAmount: bigint; readonly proof: Hex[] } | undefined
}

const HASH_BYTES = 32
const MAX_UINT256 = (1n << 256n) - 1n

/**
 * Builds exactly the tree `StandardMerkleTree.of(entries, ['address', 'uint256'])` of
 * @openzeppelin/merkle-tree builds (same leaf hash, leaf order, shape and root; its
 * verifier accepts our proofs — see the test), several times faster (ADR 0013): hashes
 * live in one byte array instead of hex strings, and a proof is not re-verified when
 * it is read. Leaf = keccak256(keccak256(abi.encode(account, cumulativeAmount))); leaves
 * sorted by hash; node = keccak256 of its two children in ascending byte order; the tree
 * is an array with the root at 0 and leaf i (in sorted order) at length − 1 − i.
 * Throws on an empty list, a duplicate account or an amount outside uint256.
 */
export function buildCumulativeMerkleTree(entries: readonly CumulativeEntry[]): CumulativeMerkleTree {
  const leafCount = entries.length
  if (leafCount === 0) throw new RangeError('a Merkle tree needs at least one entry')
  const leafHashes = new Uint8Array(leafCount * HASH_BYTES)
  const encoded = new Uint8Array(64)
  for (let index = 0; index < leafCount; index += 1) {
    const entry = entries[index]
    if (entry === undefined) throw new RangeError('sparse entries')
    if (entry.cumulativeAmount < 0n || entry.cumulativeAmount > MAX_UINT256) throw new RangeError(`amount out of uint256 range for ${entry.account}`)
    encoded.fill(0)
    encoded.set(hexToBytes(entry.account), 12)
    writeUint256(encoded, 32, entry.cumulativeAmount)
    leafHashes.set(keccak_256(keccak_256(encoded)), index * HASH_BYTES)
  }
  const order = sortByHash(leafHashes, leafCount)
  const nodeCount = 2 * leafCount - 1
  const tree = new Uint8Array(nodeCount * HASH_BYTES)
  const positionOf = new Map<string, number>()
  for (let sorted = 0; sorted < leafCount; sorted += 1) {
    const original = order[sorted] ?? 0
    tree.set(leafHashes.subarray(original * HASH_BYTES, (original + 1) * HASH_BYTES), (nodeCount - 1 - sorted) * HASH_BYTES)
    const account = entries[original]?.account.toLowerCase() ?? ''
    if (positionOf.has(account)) throw new RangeError(`duplicate account ${account}`)
    positionOf.set(account, original)
  }
  const pair = new Uint8Array(64)
  for (let node = nodeCount - 1 - leafCount; node >= 0; node -= 1) {
    const left = (2 * node + 1) * HASH_BYTES
    const right = left + HASH_BYTES
    const leftFirst = compareHashes(tree, left, tree, right) <= 0
    pair.set(tree.subarray(leftFirst ? left : right, (leftFirst ? left : right) + HASH_BYTES), 0)
    pair.set(tree.subarray(leftFirst ? right : left, (leftFirst ? right : left) + HASH_BYTES), HASH_BYTES)
    tree.set(keccak_256(pair), node * HASH_BYTES)
  }
  const sortedPositionOf = new Int32Array(leafCount)
  for (let sorted = 0; sorted < leafCount; sorted += 1) sortedPositionOf[order[sorted] ?? 0] = sorted
  const hexAt = (node: number): Hex => bytesToHex(tree.subarray(node * HASH_BYTES, (node + 1) * HASH_BYTES))
  return {
    root: hexAt(0),
    size: leafCount,
    proofFor(account) {
      const original = positionOf.get(account.toLowerCase())
      if (original === undefined) return undefined
      const entry = entries[original]
      if (entry === undefined) return undefined
      const proof: Hex[] = []
      for (let node = nodeCount - 1 - (sortedPositionOf[original] ?? 0); node > 0; node = (node - 1) >> 1) {
        proof.push(hexAt(node % 2 === 1 ? node + 1 : node - 1))
      }
      return { cumulativeAmount: entry.cumulativeAmount, proof }
    },
  }
}

function writeUint256(target: Uint8Array, offset: number, value: bigint): void {
  let rest = value
  for (let byte = 31; byte >= 0; byte -= 1) {
    target[offset + byte] = Number(rest & 0xffn)
    rest >>= 8n
  }
}

function compareHashes(a: Uint8Array, aOffset: number, b: Uint8Array, bOffset: number): number {
  for (let byte = 0; byte < HASH_BYTES; byte += 1) {
    const difference = (a[aOffset + byte] ?? 0) - (b[bOffset + byte] ?? 0)
    if (difference !== 0) return difference
  }
  return 0
}

/** Leaf indexes in ascending order of their hash bytes (as OpenZeppelin sorts them). */
function sortByHash(hashes: Uint8Array, count: number): Int32Array {
  const view = new DataView(hashes.buffer, hashes.byteOffset, hashes.byteLength)
  const prefixes = new Uint32Array(count)
  for (let index = 0; index < count; index += 1) prefixes[index] = view.getUint32(index * HASH_BYTES)
  const order = Int32Array.from({ length: count }, (_, index) => index)
  order.sort((a, b) => {
    const difference = (prefixes[a] ?? 0) - (prefixes[b] ?? 0)
    return difference !== 0 ? difference : compareHashes(hashes, a * HASH_BYTES, hashes, b * HASH_BYTES)
  })
  return order
}
