import { useCallback, useEffect, useRef, useState } from 'preact/hooks'

export interface PollState<T> {
  /** The last successful answer; kept while later polls fail, so the page never goes blank. */
  readonly data: T | undefined
  /** The failure of the latest attempt, cleared by the next success. */
  readonly error: unknown
  readonly isLoading: boolean
  /** Loads now (after a change the person made). */
  readonly reload: () => void
}

/**
 * Loads `load()` now and every `intervalMs` (live updates by polling), while the
 * component is mounted. `key` restarts it (another zone, another node).
 */
export function usePoll<T>(load: () => Promise<T>, intervalMs: number, key = ''): PollState<T> {
  const [data, setData] = useState<T | undefined>(undefined)
  const [error, setError] = useState<unknown>(undefined)
  const [isLoading, setIsLoading] = useState(true)
  const [tick, setTick] = useState(0)
  const loadRef = useRef(load)
  loadRef.current = load

  useEffect(() => {
    let isCurrent = true
    let timer: ReturnType<typeof setTimeout> | undefined
    const run = async (): Promise<void> => {
      try {
        const value = await loadRef.current()
        if (!isCurrent) return
        setData(value)
        setError(undefined)
      } catch (failure) {
        if (isCurrent) setError(failure)
      } finally {
        if (isCurrent) {
          setIsLoading(false)
          if (intervalMs > 0) timer = setTimeout(() => void run(), intervalMs)
        }
      }
    }
    void run()
    return () => {
      isCurrent = false
      clearTimeout(timer)
    }
  }, [key, tick, intervalMs])

  useEffect(() => {
    setData(undefined)
    setIsLoading(true)
  }, [key])

  const reload = useCallback(() => setTick((value) => value + 1), [])
  return { data, error, isLoading, reload }
}
