import { CID } from 'multiformats/cid'
import { create as createDigest } from 'multiformats/hashes/digest'

/** Multicodec of a raw block (`raw`) and of SHA2-256 (multiformats' table). */
const RAW_CODEC = 0x55
const SHA2_256_CODE = 0x12

/**
 * The CIDv1 (raw codec, SHA2-256) of a block whose SHA-256 is `sha256Hex`: the IPFS
 * content probe asks a node's gateway for `/ipfs/<this>`, and the node must verify the
 * block it fetches against it. Pure (the hash comes in, computed at the edge).
 */
export function rawBlockCid(sha256Hex: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256Hex)) throw new RangeError('expected a lowercase hex SHA-256')
  return CID.createV1(RAW_CODEC, createDigest(SHA2_256_CODE, hexBytes(sha256Hex))).toString()
}

/** Path of the IPFS probe upstream for one probe on the coordinator: `/v1/probe-ipfs/<token>/<size>`. */
export const PROBE_IPFS_PATH = '/v1/probe-ipfs'

/** The upstream a probe ticket names: it answers `/ipfs/<cid>?format=raw` for this probe's block only. */
export function probeIpfsUpstream(coordinatorUrl: string, token: string, sizeBytes: number): string {
  return `${coordinatorUrl.replace(/\/$/, '')}${PROBE_IPFS_PATH}/${token}/${sizeBytes}`
}

function hexBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2)
  for (let index = 0; index < bytes.length; index += 1) bytes[index] = Number.parseInt(hex.slice(index * 2, index * 2 + 2), 16)
  return bytes
}
