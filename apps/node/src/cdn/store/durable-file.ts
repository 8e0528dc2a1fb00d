import { open, rm } from 'node:fs/promises'

/**
 * Creates `path` (it must not exist), writes `data` and fsyncs it before closing, so a
 * later rename publishes complete bytes even across a power cut.
 */
export async function writeFileDurably(path: string, data: Uint8Array): Promise<void> {
  const handle = await open(path, 'wx')
  try {
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * Fsyncs a directory so that the names created, renamed or removed in it are durable
 * (a rename is atomic but only durable once its directory is synced; see rename(2) and
 * fsync(2) on Linux).
 */
export async function fsyncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Removes a file if it exists. */
export async function removeFileIfExists(path: string): Promise<void> {
  await rm(path, { force: true })
}
