import { useState } from 'preact/hooks'
import type { ApiClient } from '../api/api-client.ts'
import type { ZoneJson } from '../api/api-types.ts'
import { Notice } from '../components/notice.tsx'
import { CopyLine } from '../components/copy-line.tsx'
import { formatPricePerGiB } from '../format/format-token.ts'
import { PurgePanel } from './purge-panel.tsx'
import { ZoneSettingsForm } from './zone-settings-form.tsx'

/** One zone: where to reach it, and its settings, purge and delete behind buttons. */
export function ZoneCard({ api, zone, onChanged }: { readonly api: ApiClient; readonly zone: ZoneJson; readonly onChanged: () => void }) {
  const [open, setOpen] = useState<'none' | 'settings' | 'purge' | 'delete'>('none')
  const [failure, setFailure] = useState<unknown>(undefined)
  const zoneUrl = `${window.location.origin}/z/${zone.name}/`

  const remove = async (): Promise<void> => {
    setFailure(undefined)
    try {
      await api.deleteZone(zone.name)
      onChanged()
    } catch (error) {
      setFailure(error)
    }
  }

  return (
    <article class="card" aria-labelledby={`zone-${zone.name}`} data-zone={zone.name}>
      <h3 id={`zone-${zone.name}`}>
        {zone.name} <span class="tag">{zone.type ?? 'cdn'}</span>
      </h3>
      <dl class="facts">
        <dt>Origin</dt>
        <dd>{zone.origin}</dd>
        <dt>Price</dt>
        <dd>{formatPricePerGiB(zone.pricePerGiB)}</dd>
        <dt>Created</dt>
        <dd>{zone.createdAt.slice(0, 16).replace('T', ' ')} UTC</dd>
      </dl>
      <CopyLine label={`URL of zone ${zone.name}`} text={zoneUrl} />
      <div class="actions">
        <button type="button" aria-expanded={open === 'settings'} onClick={() => setOpen(open === 'settings' ? 'none' : 'settings')}>
          Settings
        </button>
        <button type="button" aria-expanded={open === 'purge'} onClick={() => setOpen(open === 'purge' ? 'none' : 'purge')}>
          Purge
        </button>
        <button type="button" class="danger" aria-expanded={open === 'delete'} onClick={() => setOpen(open === 'delete' ? 'none' : 'delete')}>
          Delete
        </button>
      </div>
      {open === 'settings' ? <ZoneSettingsForm api={api} zone={zone} onSaved={onChanged} /> : null}
      {open === 'purge' ? <PurgePanel api={api} zoneName={zone.name} /> : null}
      {open === 'delete' ? (
        <div class="confirm" role="group" aria-label={`Delete zone ${zone.name}`}>
          <p>Delete {zone.name}? Its URL stops working at once; usage already recorded stays billed.</p>
          <button type="button" class="danger" onClick={() => void remove()}>
            Delete {zone.name} for good
          </button>
          <button type="button" onClick={() => setOpen('none')}>
            Keep it
          </button>
        </div>
      ) : null}
      <Notice failure={failure} />
    </article>
  )
}
