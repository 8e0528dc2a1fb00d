import { randomBytes } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { link, lstat, mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { exportPrivateKeyPem, generateKeyPair, importPrivateKeyPem, nodeIdFromPublicKey, rawPublicKeyOf } from '@meson/protocol'
import type { NodeId } from '@meson/protocol'
import { NodeIdentityError } from './node-identity-error.ts'

/** File name of the node's private key inside its data dir. */
export const NODE_KEY_FILE_NAME = 'node-key.pem'

/** Who this node is: its id, derived from its ed25519 public key, and the key pair. */
export interface NodeIdentity {
  readonly nodeId: NodeId
  /** Raw 32-byte public key (what travels in the registration). */
  readonly publicKey: Uint8Array
  readonly privateKey: KeyObject
}

/** Result of {@link loadOrCreateNodeIdentity}: the identity, and whether it was just made. */
export interface LoadedNodeIdentity extends NodeIdentity {
  readonly created: boolean
}

/**
 * Loads the node's key from `<dataDir>/node-key.pem`, or creates it on first start
 * (DESIGN.md §3). Refuses a key file that group or others may read (the key is the
 * node's identity and signs its usage reports, i.e. its earnings), a file that is not
 * a regular file, and one that is not an ed25519 PKCS#8 PEM key.
 */
export async function loadOrCreateNodeIdentity(dataDir: string): Promise<LoadedNodeIdentity> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const path = join(dataDir, NODE_KEY_FILE_NAME)
  const existing = await readKeyFile(path)
  if (existing !== undefined) return { ...identityOf(existing), created: false }
  const generated = generateKeyPair()
  const published = await publishKeyFile(path, exportPrivateKeyPem(generated.privateKey))
  if (!published) {
    // Another process created the key between our read and our publish: use theirs.
    const winner = await readKeyFile(path)
    if (winner === undefined) throw new NodeIdentityError('NODE_KEY_INVALID', `The node key ${path} vanished while starting; start the node again.`)
    return { ...identityOf(winner), created: false }
  }
  return { ...identityOf(generated.privateKey), created: true }
}

function identityOf(privateKey: KeyObject): NodeIdentity {
  const publicKey = rawPublicKeyOf(privateKey)
  return { nodeId: nodeIdFromPublicKey(publicKey), publicKey, privateKey }
}

/** Reads and checks the key file; undefined if it does not exist. */
async function readKeyFile(path: string): Promise<KeyObject | undefined> {
  let stats
  try {
    // lstat, not stat: a symlink could point the node at a key file someone else controls.
    stats = await lstat(path)
  } catch (error) {
    if (isErrnoCode(error, 'ENOENT')) return undefined
    throw error
  }
  if (!stats.isFile()) {
    throw new NodeIdentityError('NODE_KEY_NOT_A_FILE', `The node key ${path} is not a regular file; replace it with the key file or remove it to create a new identity.`)
  }
  // Mode bits mean nothing on Windows; there the data dir's ACL is the operator's job.
  if (process.platform !== 'win32' && (stats.mode & 0o077) !== 0) {
    throw new NodeIdentityError(
      'NODE_KEY_INSECURE_PERMISSIONS',
      `The node key ${path} can be read by other users (mode ${(stats.mode & 0o777).toString(8)}); run \`chmod 600 ${path}\` and start again.`,
    )
  }
  const imported = importPrivateKeyPem(await readFile(path, 'utf8'))
  if (!imported.ok) {
    throw new NodeIdentityError('NODE_KEY_INVALID', `The node key ${path} is not usable (${imported.reason}); restore it from a backup, or remove it to create a new identity.`)
  }
  return imported.value
}

/**
 * Writes the PEM to a temp file (mode 0600, `wx`, fsynced) and publishes it under
 * `path` atomically, so a crash never leaves a half-written key that would stop the
 * next start. Publishing is a hard link rather than a rename because link(2) fails
 * with EEXIST instead of replacing: two processes starting at once cannot each end up
 * with a key only one of them wrote. Returns false if `path` already existed.
 */
async function publishKeyFile(path: string, pem: string): Promise<boolean> {
  const tempPath = `${path}.tmp-${randomBytes(6).toString('hex')}`
  const handle = await open(tempPath, 'wx', 0o600)
  try {
    await handle.writeFile(pem)
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await link(tempPath, path)
  } catch (error) {
    if (isErrnoCode(error, 'EEXIST')) {
      await rm(tempPath, { force: true })
      return false
    }
    if (!isErrnoCode(error, 'EPERM') && !isErrnoCode(error, 'ENOTSUP')) throw error
    // Some filesystems have no hard links: fall back to rename (the race above reopens, rarely).
    await rename(tempPath, path)
    await syncDirectory(path)
    return true
  }
  await rm(tempPath, { force: true })
  await syncDirectory(path)
  return true
}

/** Fsyncs the directory holding `path`, so the new name survives a power cut (rename(2), fsync(2)). */
async function syncDirectory(path: string): Promise<void> {
  const handle = await open(dirname(path), 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

function isErrnoCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code
}
