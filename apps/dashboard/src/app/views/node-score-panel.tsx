import type { ApiClient } from '../api/api-client.ts'
import type { ScoreFactorJson } from '../api/api-types.ts'
import { Notice } from '../components/notice.tsx'
import { adviceForPenalty } from '../components/penalty-advice.ts'
import { usePoll } from '../components/use-poll.ts'
import { formatPercent } from '../format/format-percent.ts'

const FACTOR_NAMES = { bandwidth: 'Bandwidth', storage: 'Storage', credit: 'Credit', correctness: 'Correctness' } as const
const FACTOR_ORDER = ['bandwidth', 'storage', 'credit', 'correctness'] as const

/** A node's score in this epoch: every factor with how to raise it, every penalty with its reason and what to do. */
export function NodeScorePanel({ api, nodeId }: { readonly api: ApiClient; readonly nodeId: string }) {
  const score = usePoll(() => api.nodeScore(nodeId), 15_000, nodeId)
  return (
    <div class="panel" aria-labelledby="score-title" role="region">
      <h2 id="score-title">
        Score of <code>{nodeId.slice(0, 12)}…</code>
      </h2>
      <Notice failure={score.error} />
      {score.data === undefined ? null : (
        <>
          <p>
            Epoch {String(score.data.epochId)}: score <strong>{formatPercent(score.data.score)}</strong>
          </p>
          <table aria-label="Score factors">
            <thead>
              <tr>
                <th scope="col">Factor</th>
                <th scope="col">Value</th>
                <th scope="col">Measurements</th>
                <th scope="col">How to raise it</th>
              </tr>
            </thead>
            <tbody>
              {FACTOR_ORDER.map((name) => {
                const factor: ScoreFactorJson | undefined = score.data?.factors[name]
                return (
                  <tr key={name}>
                    <th scope="row">{FACTOR_NAMES[name]}</th>
                    <td>{formatPercent(factor?.value)}</td>
                    <td>{factor?.measurements ?? 0}</td>
                    <td>{factor?.howToRaise ?? '—'}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
          <h3>Penalties</h3>
          {score.data.penalties.length === 0 ? (
            <p>No penalty in this epoch.</p>
          ) : (
            <ul class="penalties">
              {score.data.penalties.map((penalty, index) => (
                <li key={index}>
                  <strong>{penalty.kind}</strong> (epoch {String(penalty.epochId)}): {penalty.reason}
                  <br />
                  <span class="advice">What to do: {adviceForPenalty(penalty.kind, penalty.reason)}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  )
}
