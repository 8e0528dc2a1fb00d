import { useState } from 'preact/hooks'
import type { ApiClient } from '../api/api-client.ts'
import { isCidLike } from '../components/cid-format.ts'
import { CopyLine } from '../components/copy-line.tsx'
import { shellQuote } from '../components/curl-lines.ts'
import { Notice } from '../components/notice.tsx'
import { usePoll } from '../components/use-poll.ts'

/** IPFS gateway zones (#13) and a CID lookup: where content is reachable through a zone. */
export function GatewayView({ api }: { readonly api: ApiClient }) {
  const zones = usePoll(() => api.listZones(), 30_000)
  const gatewayZones = (zones.data?.zones ?? []).filter((zone) => zone.type === 'ipfs')
  const [zoneName, setZoneName] = useState('')
  const [cid, setCid] = useState('')
  const [lookedUp, setLookedUp] = useState<{ url: string } | undefined>(undefined)
  const [problem, setProblem] = useState<string | undefined>(undefined)
  const chosen = zoneName === '' ? gatewayZones[0]?.name : zoneName

  const lookUp = (event: Event): void => {
    event.preventDefault()
    setLookedUp(undefined)
    const trimmed = cid.trim()
    if (!isCidLike(trimmed)) {
      setProblem('That is not a CID: expected a CIDv0 ("Qm…", 46 characters) or a base32 CIDv1 ("bafy…").')
      return
    }
    if (chosen === undefined) {
      setProblem('Create an IPFS gateway zone first (Zones → Create a zone → type IPFS gateway).')
      return
    }
    setProblem(undefined)
    setLookedUp({ url: `${window.location.origin}/z/${chosen}/ipfs/${trimmed}` })
  }

  return (
    <section aria-labelledby="gateway-title">
      <h1 id="gateway-title">Gateway</h1>
      <Notice failure={zones.error} />
      <div class="panel">
        <h2>IPFS gateway zones</h2>
        {zones.data === undefined ? null : gatewayZones.length === 0 ? (
          <p class="hint">
            No IPFS gateway zone yet. Create one under Zones with type "IPFS gateway"; coordinators without gateway support refuse it with a message.
          </p>
        ) : (
          <ul>
            {gatewayZones.map((zone) => (
              <li key={zone.id}>
                <strong>{zone.name}</strong> — upstreams: {(zone.upstreams ?? []).join(', ') || 'the network default'}
              </li>
            ))}
          </ul>
        )}
      </div>
      <form class="panel form-grid" onSubmit={lookUp} aria-labelledby="cid-title">
        <h2 id="cid-title">Look up a CID</h2>
        {gatewayZones.length > 1 ? (
          <>
            <label for="cid-zone">Zone</label>
            <select id="cid-zone" value={chosen} onChange={(event) => setZoneName(event.currentTarget.value)}>
              {gatewayZones.map((zone) => (
                <option key={zone.id} value={zone.name}>
                  {zone.name}
                </option>
              ))}
            </select>
          </>
        ) : null}
        <label for="cid">CID</label>
        <input id="cid" value={cid} onInput={(event) => setCid(event.currentTarget.value)} spellcheck={false} placeholder="bafybei…" required />
        <button type="submit">Look up</button>
        {problem === undefined ? null : (
          <p class="notice notice-error" role="alert">
            {problem}
          </p>
        )}
        {lookedUp === undefined ? null : (
          <>
            <CopyLine label="gateway URL" text={lookedUp.url} />
            <CopyLine label="fetch it with curl" text={`curl -L ${shellQuote(lookedUp.url)}`} />
            <p>
              <a href={lookedUp.url} target="_blank" rel="noopener noreferrer">
                Open through the gateway
              </a>
            </p>
          </>
        )}
      </form>
    </section>
  )
}
