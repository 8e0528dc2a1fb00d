import type { ApiClient } from '../api/api-client.ts'
import { earningsByEpoch } from '../components/earnings-by-epoch.ts'
import { Notice } from '../components/notice.tsx'
import { Stat } from '../components/stat.tsx'
import { usePoll } from '../components/use-poll.ts'
import { formatToken } from '../format/format-token.ts'

/** What the operator earned per epoch, from usage (buyers' payments) and from emission. */
export function EarningsView({ api }: { readonly api: ApiClient }) {
  const earnings = usePoll(() => api.earnings(), 15_000)
  const rows = earnings.data === undefined ? [] : earningsByEpoch(earnings.data.earnings)
  return (
    <section aria-labelledby="earnings-title">
      <h1 id="earnings-title">Earnings</h1>
      <Notice failure={earnings.error} />
      {earnings.data === undefined ? null : (
        <>
          <dl class="stats" aria-label="Earnings totals">
            <Stat label="Earned in total" value={formatToken(earnings.data.total)} hint="claimable under Claims once an epoch is settled" />
          </dl>
          {rows.length === 0 ? (
            <p>No earnings yet: they appear when the first epoch your nodes served in closes.</p>
          ) : (
            <table aria-label="Earnings per epoch">
              <thead>
                <tr>
                  <th scope="col">Epoch</th>
                  <th scope="col">From usage</th>
                  <th scope="col">From emission</th>
                  <th scope="col">Total</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.epochId}>
                    <th scope="row">{row.epochId}</th>
                    <td>{formatToken(row.usage)}</td>
                    <td>{formatToken(row.emission)}</td>
                    <td>{formatToken(row.total)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  )
}
