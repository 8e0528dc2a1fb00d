import { readFileSync } from 'node:fs'
import { rename, writeFile } from 'node:fs/promises'
import { z } from 'zod'
import type { ExitMonthState } from '../../proxy/exit-byte-counter.ts'

const monthFileSchema = z.object({
  monthStartMs: z.number().int().min(0),
  bytes: z.string().regex(/^[0-9]{1,30}$/).transform(BigInt),
})

/** The saved month of a previous run; undefined when there is none or it is unreadable (the cap then counts from zero, as before). */
export function loadExitMonth(path: string): ExitMonthState | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return undefined
  }
  const parsed = monthFileSchema.safeParse(json)
  return parsed.success ? parsed.data : undefined
}

/**
 * Saves the exit's monthly byte counter to `path` (JSON, written to a temporary file and
 * renamed, so a crash leaves the old or the new state, never half of one). Saves are
 * coalesced: at most one every `intervalMs` while bytes move, and `flush()` on stop.
 * A crash loses at most `intervalMs` of counting.
 */
export class ExitMonthFile {
  readonly #path: string
  readonly #intervalMs: number
  #latest: ExitMonthState | undefined
  #timer: NodeJS.Timeout | undefined
  #writing: Promise<void> = Promise.resolve()

  constructor(path: string, options: { readonly intervalMs?: number } = {}) {
    this.#path = path
    this.#intervalMs = options.intervalMs ?? 1000
  }

  /** Records the newest state; it is written within `intervalMs`. */
  save(state: ExitMonthState): void {
    this.#latest = state
    if (this.#timer !== undefined) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      void this.flush()
    }, this.#intervalMs)
    this.#timer.unref()
  }

  /** Writes the newest state now (after any write under way). */
  flush(): Promise<void> {
    clearTimeout(this.#timer)
    this.#timer = undefined
    const state = this.#latest
    this.#latest = undefined
    if (state === undefined) return this.#writing
    this.#writing = this.#writing.then(async () => {
      const temporary = `${this.#path}.tmp`
      await writeFile(temporary, JSON.stringify({ monthStartMs: state.monthStartMs, bytes: state.bytes.toString() }))
      await rename(temporary, this.#path)
    }).catch(() => undefined)
    return this.#writing
  }
}
