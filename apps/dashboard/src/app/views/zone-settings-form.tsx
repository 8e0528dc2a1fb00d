import { useEffect, useState } from 'preact/hooks'
import type { ApiClient } from '../api/api-client.ts'
import type { ZoneJson } from '../api/api-types.ts'
import { Notice } from '../components/notice.tsx'
import { splitList } from '../components/split-list.ts'

/** A zone's referrer allow-list, blocked countries and custom domains (`PATCH /v1/zones/:name`). */
export function ZoneSettingsForm({ api, zone, onSaved }: { readonly api: ApiClient; readonly zone: ZoneJson; readonly onSaved: () => void }) {
  const [referrers, setReferrers] = useState('')
  const [countries, setCountries] = useState('')
  const [domains, setDomains] = useState('')
  const [failure, setFailure] = useState<unknown>(undefined)
  const [saved, setSaved] = useState(false)
  // The fields stay disabled until the current settings arrived, so nothing typed is overwritten.
  const [isLoaded, setIsLoaded] = useState(false)

  useEffect(() => {
    api.getZone(zone.name).then(
      ({ settings }) => {
        if (settings !== undefined) {
          setReferrers(settings.allowedReferrers.join('\n'))
          setCountries(settings.blockedCountries.join(', '))
          setDomains(settings.customDomains.join('\n'))
        }
        setIsLoaded(true)
      },
      (error: unknown) => setFailure(error),
    )
  }, [zone.name])

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault()
    setFailure(undefined)
    setSaved(false)
    try {
      await api.updateZone(zone.name, { allowedReferrers: splitList(referrers), blockedCountries: splitList(countries).map((code) => code.toUpperCase()), customDomains: splitList(domains) })
      setSaved(true)
      onSaved()
    } catch (error) {
      setFailure(error)
    }
  }

  const id = `settings-${zone.name}`
  return (
    <form class="form-grid" onSubmit={(event) => void submit(event)} aria-label={`Settings of zone ${zone.name}`} aria-busy={!isLoaded}>
      <fieldset disabled={!isLoaded} class="plain">
        <label for={`${id}-referrers`}>Allowed referrers (one per line; empty allows all)</label>
        <textarea id={`${id}-referrers`} rows={2} value={referrers} onInput={(event) => setReferrers(event.currentTarget.value)} />
        <label for={`${id}-countries`}>Blocked countries (ISO codes, e.g. "KP, IR")</label>
        <input id={`${id}-countries`} value={countries} onInput={(event) => setCountries(event.currentTarget.value)} />
        <label for={`${id}-domains`}>Custom domains (one per line)</label>
        <textarea id={`${id}-domains`} rows={2} value={domains} onInput={(event) => setDomains(event.currentTarget.value)} />
        <button type="submit">Save settings</button>
      </fieldset>
      {saved ? (
        <p class="notice notice-ok" role="status">
          Settings saved.
        </p>
      ) : null}
      <Notice failure={failure} />
    </form>
  )
}
