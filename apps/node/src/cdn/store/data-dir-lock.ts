import { randomBytes } from 'node:crypto'
import { link, mkdir, open, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { BaseError } from '@meson/protocol'

/** Another live node process holds the data directory. */
export class DataDirLockedError extends BaseError {
  override readonly name = 'DataDirLockedError'
  readonly pid: number
  constructor(dataDir: string, pid: number) {
    super(
      'DATA_DIR_LOCKED',
      `The data directory ${dataDir} is in use by another meson-net node (pid ${pid}); two nodes on one directory would corrupt its cache index and usage journal. Stop that node first, or give this one another --data-dir.`,
    )
    this.pid = pid
  }
}

/** A held lock; `release` removes the lock file if it is still ours. */
export interface DataDirLock {
  readonly path: string
  release(): Promise<void>
}

export interface AcquireDataDirLockOptions {
  readonly pid?: number
  /** Whether a process with this pid runs; injected by tests. */
  readonly isProcessAlive?: (pid: number) => boolean
}

const LOCK_FILE = 'node.lock'

/**
 * Takes `<dataDir>/node.lock` (created atomically with its content, `<pid> <nonce>`). A lock whose
 * pid no longer runs, or is our own pid (a restarted container reuses pid 1), or that
 * cannot be read, is stale: it is removed and taken once more; if another process took
 * it in between, that one wins. Node has no flock(2), hence a pid file.
 */
export async function acquireDataDirLock(dataDir: string, options: AcquireDataDirLockOptions = {}): Promise<DataDirLock> {
  const pid = options.pid ?? process.pid
  const isProcessAlive = options.isProcessAlive ?? isRunning
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const path = join(dataDir, LOCK_FILE)
  const content = `${pid} ${randomBytes(8).toString('hex')}\n`
  for (let attempt = 0; attempt < 2; attempt += 1) {
    if (await tryCreate(path, content)) {
      return {
        path,
        release: async () => {
          const current = await readFile(path, 'utf8').catch(() => undefined)
          if (current === content) await rm(path, { force: true })
        },
      }
    }
    const holder = await readHolderPid(path)
    if (holder !== undefined && holder !== pid && isProcessAlive(holder)) throw new DataDirLockedError(dataDir, holder)
    if (attempt === 1 && holder !== undefined) throw new DataDirLockedError(dataDir, holder)
    await rm(path, { force: true })
  }
  throw new DataDirLockedError(dataDir, (await readHolderPid(path)) ?? 0)
}

/** Creates the lock with its content atomically: written aside, then link(2)ed into place (EEXIST if taken). */
async function tryCreate(path: string, content: string): Promise<boolean> {
  const staged = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`
  const handle = await open(staged, 'wx', 0o600)
  try {
    await handle.writeFile(content)
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await link(staged, path)
    return true
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'EEXIST') return false
    throw error
  } finally {
    await rm(staged, { force: true })
  }
}

async function readHolderPid(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '')
  const pid = Number(/^(\d{1,10}) /.exec(text)?.[1])
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it runs, under another user.
    return typeof error === 'object' && error !== null && 'code' in error && error.code === 'EPERM'
  }
}
