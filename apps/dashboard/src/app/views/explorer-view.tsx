import { useEffect, useRef, useState } from 'preact/hooks'
import type { ApiClient } from '../api/api-client.ts'
import type { ExplorerJson } from '../api/api-types.ts'
import { countryName } from '../components/country-names.ts'
import { Notice } from '../components/notice.tsx'
import { Stat } from '../components/stat.tsx'
import { TimeSeriesChart } from '../components/time-series-chart.tsx'
import { rateBetween } from '../components/traffic-rate.ts'
import type { CounterSample } from '../components/traffic-rate.ts'
import { usePoll } from '../components/use-poll.ts'
import { WorldMap } from '../components/world-map.tsx'
import { formatByteRate, formatBytes } from '../format/format-bytes.ts'
import { formatToken } from '../format/format-token.ts'

const EXPLORER_POLL_MS = 3_000
const EPOCHS_POLL_MS = 15_000
const RATE_HISTORY = 60

interface RatePoint {
  readonly atSeconds: number
  readonly bytesPerSecond: number
}

/** The public explorer: nodes on a world map, network totals, live traffic rate, recent epochs. */
export function ExplorerView({ api }: { readonly api: ApiClient }) {
  const explorer = usePoll(() => api.explorer(), EXPLORER_POLL_MS)
  const epochs = usePoll(() => api.epochs(), EPOCHS_POLL_MS)
  const rates = useTrafficRate(explorer.data)
  const latest = rates.at(-1)

  return (
    <section aria-labelledby="explorer-title">
      <h1 id="explorer-title">Network explorer</h1>
      <Notice failure={explorer.error} />
      {explorer.data === undefined ? (
        explorer.isLoading ? <p>Loading the network…</p> : null
      ) : (
        <>
          <dl class="stats" aria-label="Network totals">
            <Stat label="Nodes" value={`${explorer.data.nodes.total}`} hint={`${explorer.data.nodes.active} active, ${explorer.data.nodes.down} down`} />
            <Stat label="Countries" value={`${explorer.data.countries.length}`} />
            <Stat label="Traffic now" value={latest === undefined ? 'measuring…' : formatByteRate(latest.bytesPerSecond)} hint={`over the last ${EXPLORER_POLL_MS / 1000} s`} />
            <Stat label="Served" value={formatBytes(explorer.data.servedBytes)} hint="since the coordinator started" />
            <Stat label="Cached" value={formatBytes(explorer.data.cacheStoredBytes)} hint={`of ${formatBytes(explorer.data.diskQuotaBytes)} offered`} />
            <Stat label="Uplink offered" value={`${explorer.data.uplinkMbps.toLocaleString('en')} Mbit/s`} />
          </dl>
          <div class="panel">
            <h2>Nodes by country</h2>
            <WorldMap countries={explorer.data.countries} />
            {explorer.data.unlocatedNodes === 0 ? null : (
              <p class="hint">
                {explorer.data.unlocatedNodes} {explorer.data.unlocatedNodes === 1 ? 'node is' : 'nodes are'} on a local or unknown address and not on the map.
              </p>
            )}
            <CountryTable data={explorer.data} />
          </div>
          <TimeSeriesChart title="Traffic rate (all nodes)" times={rates.map((point) => point.atSeconds)} series={[{ label: 'bytes/s', values: rates.map((point) => point.bytesPerSecond) }]} formatValue={formatByteRate} height={160} emptyText="Measuring: the rate shows after the next reading." />
        </>
      )}
      <div class="panel">
        <h2>Recent epochs</h2>
        <Notice failure={epochs.error} />
        {epochs.data === undefined ? null : epochs.data.epochs.length === 0 ? (
          <p>No epoch has closed yet.</p>
        ) : (
          // Scrolls inside its panel on a phone instead of widening the page.
          <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Epoch</th>
                <th scope="col">Ended (UTC)</th>
                <th scope="col">Emission</th>
                <th scope="col">Paid out</th>
                <th scope="col">Nodes rewarded</th>
              </tr>
            </thead>
            <tbody>
              {epochs.data.epochs.slice(0, 10).map((epoch) => (
                <tr key={String(epoch.id)}>
                  <td>{String(epoch.id)}</td>
                  <td>{epoch.closedAt === null ? 'open' : epoch.endedAt.slice(0, 16).replace('T', ' ')}</td>
                  <td>{formatToken(epoch.emission)}</td>
                  <td>{formatToken(epoch.payouts)}</td>
                  <td>{epoch.nodesRewarded}</td>
                </tr>
              ))}
            </tbody>
          </table>
          </div>
        )}
      </div>
    </section>
  )
}

function CountryTable({ data }: { readonly data: ExplorerJson }) {
  if (data.countries.length === 0) return <p class="hint">No node has a known location yet.</p>
  return (
    <table class="compact" aria-label="Nodes by country">
      <thead>
        <tr>
          <th scope="col">Country</th>
          <th scope="col">Nodes</th>
          <th scope="col">Active</th>
        </tr>
      </thead>
      <tbody>
        {data.countries.map((entry) => (
          <tr key={entry.country}>
            <td>{countryName(entry.country)}</td>
            <td>{entry.nodes}</td>
            <td>{entry.activeNodes}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** The served-bytes counter of each poll turned into a rate history (kept for this page view). */
function useTrafficRate(data: ExplorerJson | undefined): readonly RatePoint[] {
  const previous = useRef<CounterSample | undefined>(undefined)
  const [points, setPoints] = useState<readonly RatePoint[]>([])
  useEffect(() => {
    if (data === undefined) return
    const sample: CounterSample = { atMs: Date.parse(data.observedAt), bytes: BigInt(data.servedBytes) }
    const rate = rateBetween(previous.current, sample)
    previous.current = sample
    if (rate !== undefined) setPoints((old) => [...old, { atSeconds: sample.atMs / 1000, bytesPerSecond: rate }].slice(-RATE_HISTORY))
  }, [data])
  return points
}
