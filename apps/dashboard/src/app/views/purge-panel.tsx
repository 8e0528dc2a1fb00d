import { useEffect, useState } from 'preact/hooks'
import type { ApiClient } from '../api/api-client.ts'
import type { PurgeStatusJson } from '../api/api-types.ts'
import { Notice } from '../components/notice.tsx'
import { splitList } from '../components/split-list.ts'

/** How long each status request may wait for the purge to complete (long poll). */
const PURGE_WAIT_MS = 2_000

/**
 * Purge by paths, prefixes or surrogate keys, then follow it until every node it was
 * sent to acknowledged (nodes that went down are listed; they get it when they return).
 */
export function PurgePanel({ api, zoneName }: { readonly api: ApiClient; readonly zoneName: string }) {
  const [paths, setPaths] = useState('')
  const [kind, setKind] = useState<'urls' | 'prefixes' | 'surrogateKeys'>('urls')
  const [purge, setPurge] = useState<{ id: string; nodes: number } | undefined>(undefined)
  const [status, setStatus] = useState<PurgeStatusJson | undefined>(undefined)
  const [failure, setFailure] = useState<unknown>(undefined)

  useEffect(() => {
    if (purge === undefined) return
    // Aborted when the panel closes or another purge starts: the loop then stops.
    const stopped = new AbortController()
    const isStopped = (): boolean => stopped.signal.aborted
    const follow = async (): Promise<void> => {
      while (!isStopped()) {
        try {
          const next = await api.purgeStatus(purge.id, PURGE_WAIT_MS)
          if (isStopped()) return
          setStatus(next)
          setFailure(undefined)
          if (next.status === 'complete') return
        } catch (error) {
          if (isStopped()) return
          setFailure(error)
          await new Promise((resolve) => setTimeout(resolve, PURGE_WAIT_MS))
        }
      }
    }
    void follow()
    return () => stopped.abort()
  }, [purge?.id])

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault()
    setFailure(undefined)
    setStatus(undefined)
    try {
      const started = await api.purgeZone(zoneName, { [kind]: splitList(paths) })
      setPurge({ id: started.purgeId, nodes: started.nodes })
    } catch (error) {
      setFailure(error)
    }
  }

  const id = `purge-${zoneName}`
  const acked = status?.acked.length ?? 0
  const total = purge?.nodes ?? 0
  return (
    <form class="form-grid" onSubmit={(event) => void submit(event)} aria-label={`Purge zone ${zoneName}`}>
      <label for={`${id}-kind`}>Purge by</label>
      <select id={`${id}-kind`} value={kind} onChange={(event) => setKind(event.currentTarget.value === 'prefixes' ? 'prefixes' : event.currentTarget.value === 'surrogateKeys' ? 'surrogateKeys' : 'urls')}>
        <option value="urls">Paths (exact)</option>
        <option value="prefixes">Path prefixes</option>
        <option value="surrogateKeys">Surrogate keys</option>
      </select>
      <label for={`${id}-items`}>One per line, e.g. /index.html</label>
      <textarea id={`${id}-items`} rows={3} value={paths} onInput={(event) => setPaths(event.currentTarget.value)} required />
      <button type="submit">Purge now</button>
      {purge === undefined ? null : (
        <div class="purge-progress" role="status" aria-live="polite" data-purge-status={status?.status ?? 'sent'}>
          <label for={`${id}-progress`}>
            {status?.status === 'complete'
              ? `Purge complete: ${acked} of ${total} nodes acknowledged${status.down.length > 0 ? `, ${status.down.length} down (they purge when they return)` : ''}.`
              : `Purging: ${acked} of ${total} nodes acknowledged…`}
          </label>
          <progress id={`${id}-progress`} max={Math.max(1, total)} value={status?.status === 'complete' ? Math.max(1, total) : acked} />
        </div>
      )}
      <Notice failure={failure} />
    </form>
  )
}
