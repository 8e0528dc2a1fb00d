import { useMemo, useState } from 'preact/hooks'
import type { ApiClient } from '../api/api-client.ts'
import { countryName } from '../components/country-names.ts'
import { Notice } from '../components/notice.tsx'
import { Stat } from '../components/stat.tsx'
import { TimeSeriesChart } from '../components/time-series-chart.tsx'
import { buildUsageSeries, sumField, usageByCountry } from '../components/usage-series.ts'
import { usePoll } from '../components/use-poll.ts'
import { formatBytes } from '../format/format-bytes.ts'
import { formatToken } from '../format/format-token.ts'

const USAGE_POLL_MS = 5_000
const RANGES = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const
type RangeName = keyof typeof RANGES

const formatBytesAxis = (value: number): string => formatBytes(Math.round(value))
const formatCount = (value: number): string => `${Math.round(value).toLocaleString('en')} req`

/** Usage per zone and product over time: bytes, requests and cost, by country where reported. */
export function UsageView({ api }: { readonly api: ApiClient }) {
  const [zone, setZone] = useState('')
  const [range, setRange] = useState<RangeName>('24h')
  const zones = usePoll(() => api.listZones(), 30_000)
  const granularity = range === '24h' ? 'hour' : 'day'
  const usage = usePoll(
    () => api.usage({ granularity, from: new Date(Date.now() - RANGES[range]).toISOString(), ...(zone === '' ? {} : { zone }) }),
    USAGE_POLL_MS,
    `${zone}|${range}`,
  )
  const rows = usage.data?.rows ?? []
  // Rebuilt only when an answer arrives, so the charts are not redrawn on every render.
  const { bytes, requests } = useMemo(() => {
    const grid = usage.data === undefined ? undefined : { fromMs: Date.parse(usage.data.from), toMs: Date.parse(usage.data.to), periodMs: granularity === 'hour' ? 3_600_000 : 86_400_000 }
    const answered = usage.data?.rows ?? []
    return {
      bytes: buildUsageSeries(answered, (row) => Number(row.bytes), grid),
      requests: buildUsageSeries(answered, (row) => row.requests, grid),
    }
  }, [usage.data, granularity])
  const countries = usageByCountry(rows)
  const hasRequests = rows.some((row) => row.requests !== undefined)

  return (
    <section aria-labelledby="usage-title">
      <h1 id="usage-title">Usage</h1>
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <label for="usage-zone">Zone</label>
        <select id="usage-zone" value={zone} onChange={(event) => setZone(event.currentTarget.value)}>
          <option value="">All zones</option>
          {(zones.data?.zones ?? []).map((entry) => (
            <option key={entry.id} value={entry.name}>
              {entry.name}
            </option>
          ))}
        </select>
        <label for="usage-range">Period</label>
        <select id="usage-range" value={range} onChange={(event) => setRange(event.currentTarget.value === '7d' ? '7d' : event.currentTarget.value === '30d' ? '30d' : '24h')}>
          <option value="24h">Last 24 hours, per hour</option>
          <option value="7d">Last 7 days, per day</option>
          <option value="30d">Last 30 days, per day</option>
        </select>
      </form>
      <Notice failure={usage.error} />
      <dl class="stats" aria-label="Usage totals">
        <Stat label="Bytes delivered" value={formatBytes(sumField(rows, (row) => row.bytes))} />
        <Stat label="Cost" value={formatToken(sumField(rows, (row) => row.cost))} />
        <Stat label="Requests" value={hasRequests ? `${sumField(rows, (row) => (row.requests === undefined ? undefined : String(row.requests))).toLocaleString('en')} req` : 'not reported'} />
      </dl>
      <TimeSeriesChart title={`Bytes delivered per ${granularity}`} times={bytes.times} series={bytes.series} formatValue={formatBytesAxis} />
      {hasRequests ? (
        <TimeSeriesChart title={`Requests per ${granularity}`} times={requests.times} series={requests.series} formatValue={formatCount} />
      ) : (
        <p class="hint">This coordinator reports bytes per zone; request counts appear here once it reports them.</p>
      )}
      <div class="panel">
        <h2>By country</h2>
        {countries.length === 0 ? (
          <p class="hint">No usage by client country in this period (older coordinators do not report it).</p>
        ) : (
          <table class="compact">
            <thead>
              <tr>
                <th scope="col">Country</th>
                <th scope="col">Bytes</th>
                <th scope="col">Requests</th>
              </tr>
            </thead>
            <tbody>
              {countries.map((entry) => (
                <tr key={entry.country}>
                  <td>{countryName(entry.country)}</td>
                  <td>{formatBytes(entry.bytes)}</td>
                  <td>{entry.requests.toLocaleString('en')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  )
}
