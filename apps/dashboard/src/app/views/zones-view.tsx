import { useState } from 'preact/hooks'
import type { ApiClient } from '../api/api-client.ts'
import type { ZoneJson } from '../api/api-types.ts'
import { Notice } from '../components/notice.tsx'
import { splitList } from '../components/split-list.ts'
import { usePoll } from '../components/use-poll.ts'
import { ZoneCard } from './zone-card.tsx'

const ZONES_POLL_MS = 10_000

/** The buyer's zones: create one, and per zone its URL, settings, purge and delete. */
export function ZonesView({ api }: { readonly api: ApiClient }) {
  const zones = usePoll(() => api.listZones(), ZONES_POLL_MS)
  return (
    <section aria-labelledby="zones-title">
      <h1 id="zones-title">Zones</h1>
      <Notice failure={zones.error} />
      <CreateZoneForm api={api} onCreated={zones.reload} />
      {zones.data === undefined ? (
        zones.isLoading ? <p>Loading zones…</p> : null
      ) : zones.data.zones.length === 0 ? (
        <p>No zone yet: create one above.</p>
      ) : (
        <ul class="cards" aria-label="Your zones">
          {zones.data.zones.map((zone: ZoneJson) => (
            <li key={zone.id}>
              <ZoneCard api={api} zone={zone} onChanged={zones.reload} />
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

function CreateZoneForm({ api, onCreated }: { readonly api: ApiClient; readonly onCreated: () => void }) {
  const [name, setName] = useState('')
  const [origin, setOrigin] = useState('')
  const [type, setType] = useState<'cdn' | 'ipfs'>('cdn')
  const [upstreams, setUpstreams] = useState('')
  const [failure, setFailure] = useState<unknown>(undefined)
  const [created, setCreated] = useState<string | undefined>(undefined)

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault()
    setFailure(undefined)
    setCreated(undefined)
    try {
      // Gateway zones (#13) name their upstream gateways; CDN zones stay as before.
      const { zone } = await api.createZone(type === 'cdn' ? { name: name.trim(), origin: origin.trim() } : { name: name.trim(), origin: origin.trim(), type, upstreams: splitList(upstreams) })
      setCreated(zone.name)
      setName('')
      onCreated()
    } catch (error) {
      setFailure(error)
    }
  }

  return (
    <form class="panel form-grid" onSubmit={(event) => void submit(event)} aria-labelledby="create-zone-title">
      <h2 id="create-zone-title">Create a zone</h2>
      <label for="zone-name">Name</label>
      <input id="zone-name" value={name} onInput={(event) => setName(event.currentTarget.value)} required pattern="[a-z0-9][a-z0-9-]*" placeholder="my-site" />
      <label for="zone-origin">Origin URL</label>
      <input id="zone-origin" type="url" value={origin} onInput={(event) => setOrigin(event.currentTarget.value)} required placeholder="https://origin.example.com" />
      <label for="zone-type">Type</label>
      <select id="zone-type" value={type} onChange={(event) => setType(event.currentTarget.value === 'ipfs' ? 'ipfs' : 'cdn')}>
        <option value="cdn">CDN (pull from the origin)</option>
        <option value="ipfs">IPFS gateway</option>
      </select>
      {type === 'ipfs' ? (
        <>
          <label for="zone-upstreams">Upstream gateways (one per line)</label>
          <textarea id="zone-upstreams" value={upstreams} onInput={(event) => setUpstreams(event.currentTarget.value)} rows={2} />
        </>
      ) : null}
      <button type="submit">Create zone</button>
      {created === undefined ? null : (
        <p class="notice notice-ok" role="status">
          Zone {created} created.
        </p>
      )}
      <Notice failure={failure} />
    </form>
  )
}
