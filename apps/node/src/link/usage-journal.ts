import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { openEnvelope, signedEnvelopeSchema, usageReportSchema } from '@meson/protocol'
import type { VerifyKey } from '@meson/protocol'
import type { LinkLogger } from './link-runtime.ts'
import type { SealedUsageBatch } from './sealed-usage-batch.ts'

const BATCH_FILE = /^\d{16}-[A-Za-z0-9_-]{1,64}\.json$/
const TEMP_SUFFIX = '.tmp'

/**
 * The durable outbox of usage batches: `<dataDir>/usage/<createdAt>-<batchId>.json`,
 * one signed envelope per file. A batch is written to `<name>.tmp`, fsynced, renamed
 * into place and the directory fsynced, so after a crash a `.json` file is always a
 * complete batch and a `.tmp` file is one that was never published (it is deleted: its
 * lines were still in memory and are lost with them, see README.md). Names start with
 * the zero-padded creation time so a directory listing is the sending order.
 */
export class UsageJournal {
  readonly directory: string
  readonly rejectedDirectory: string
  readonly #logger: LinkLogger

  constructor(dataDir: string, logger: LinkLogger) {
    this.directory = join(dataDir, 'usage')
    this.rejectedDirectory = join(this.directory, 'rejected')
    this.#logger = logger
  }

  /** Journal file name of `batch`. */
  static fileNameOf(batch: Pick<SealedUsageBatch, 'batchId' | 'createdAtMs'>): string {
    return `${String(batch.createdAtMs).padStart(16, '0')}-${batch.batchId}.json`
  }

  /** Makes the directories. */
  async open(): Promise<void> {
    await mkdir(this.rejectedDirectory, { recursive: true, mode: 0o700 })
  }

  /** Writes `batch` durably; when this resolves, the batch survives a crash. */
  async append(batch: SealedUsageBatch): Promise<void> {
    const path = join(this.directory, UsageJournal.fileNameOf(batch))
    const tempPath = `${path}${TEMP_SUFFIX}`
    const handle = await open(tempPath, 'wx', 0o600)
    try {
      // Line 1: the envelope as sent; line 2 (optional): which served-bytes log segments
      // it covers, journaled in the same atomic rename as the batch itself.
      const coverage = batch.walUpto === undefined ? '' : `${JSON.stringify({ walUpto: batch.walUpto })}\n`
      await handle.writeFile(`${JSON.stringify(batch.envelope)}\n${coverage}`)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(tempPath, path)
    await syncDirectory(this.directory)
  }

  /**
   * The batches still to send, oldest first. Deletes torn temp files; moves a file
   * that is not a usage report signed by this node to `rejected/` (it cannot be sent).
   */
  async loadPending(nodePublicKey: VerifyKey): Promise<SealedUsageBatch[]> {
    const names = (await readdir(this.directory)).sort()
    const batches: SealedUsageBatch[] = []
    for (const name of names) {
      if (name.endsWith(TEMP_SUFFIX)) {
        this.#logger.warn({ file: name }, 'deleted a usage batch that was never completely written')
        await rm(join(this.directory, name), { force: true })
        continue
      }
      if (!BATCH_FILE.test(name)) continue
      const [envelopeLine = '', coverageLine = ''] = (await readFile(join(this.directory, name), 'utf8')).split('\n')
      const raw = parseJsonOrUndefined(envelopeLine)
      const envelope = signedEnvelopeSchema.safeParse(raw)
      const opened = openEnvelope('usage-report', usageReportSchema, nodePublicKey, raw)
      if (!envelope.success || !opened.ok) {
        this.#logger.error({ file: name, reason: opened.ok ? 'malformed' : opened.reason }, 'moved aside a usage batch file that does not verify')
        await this.#moveAside(name)
        continue
      }
      // Resend the envelope exactly as stored: its signature covers that payload.
      const walUpto = walUptoOf(parseJsonOrUndefined(coverageLine))
      batches.push({ batchId: opened.value.batchId, createdAtMs: opened.value.createdAt, envelope: envelope.data, ...(walUpto === undefined ? {} : { walUpto }) })
    }
    return batches
  }

  /** Deletes an acknowledged batch. */
  async remove(batch: SealedUsageBatch): Promise<void> {
    await rm(join(this.directory, UsageJournal.fileNameOf(batch)), { force: true })
  }

  /** Moves a batch the coordinator refused to `rejected/`, for an operator to look at. */
  async moveToRejected(batch: SealedUsageBatch): Promise<void> {
    await this.#moveAside(UsageJournal.fileNameOf(batch))
  }

  async #moveAside(name: string): Promise<void> {
    await rename(join(this.directory, name), join(this.rejectedDirectory, name))
    await syncDirectory(this.directory)
  }
}

async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

function walUptoOf(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null || !('walUpto' in value)) return undefined
  const { walUpto } = value
  return typeof walUpto === 'number' && Number.isSafeInteger(walUpto) && walUpto >= 0 ? walUpto : undefined
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
