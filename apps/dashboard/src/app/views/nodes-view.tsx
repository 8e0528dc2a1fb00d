import { useState } from 'preact/hooks'
import type { ApiClient } from '../api/api-client.ts'
import type { NodeJson } from '../api/api-types.ts'
import { Notice } from '../components/notice.tsx'
import { usePoll } from '../components/use-poll.ts'
import { formatBytes } from '../format/format-bytes.ts'
import { formatAgo, formatDuration } from '../format/format-duration.ts'
import { formatPercent } from '../format/format-percent.ts'
import { NodeScorePanel } from './node-score-panel.tsx'

const NODES_POLL_MS = 3_000

const STATUS_HELP: Readonly<Record<NodeJson['status'], string>> = {
  active: 'serving traffic',
  pending: 'registered, waiting for the reachability check',
  draining: 'finishing its requests, takes no new ones',
  down: 'no heartbeat lately: check that it runs and can reach the coordinator',
}

function cacheUse(node: NodeJson): number | undefined {
  const quota = Number(node.diskQuotaBytes)
  return node.counters === null || quota <= 0 ? undefined : Number(node.counters.cacheStoredBytes) / quota
}

/** The operator's nodes: status, version, uptime, cache use, bytes served, and each node's score. */
export function NodesView({ api }: { readonly api: ApiClient }) {
  const nodes = usePoll(() => api.nodes(), NODES_POLL_MS)
  const [selected, setSelected] = useState<string | undefined>(undefined)
  const nowMs = Date.now()
  return (
    <section aria-labelledby="nodes-title">
      <h1 id="nodes-title">Nodes</h1>
      <Notice failure={nodes.error} />
      {nodes.data === undefined ? (
        nodes.isLoading ? <p>Loading nodes…</p> : null
      ) : nodes.data.nodes.length === 0 ? (
        <p>No node registered with this operator token yet. Start one with <code>meson-net node --coordinator … --operator-token …</code>.</p>
      ) : (
        <div class="table-scroll">
          <table aria-label="Your nodes">
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">Status</th>
                <th scope="col">Version</th>
                <th scope="col">Up for</th>
                <th scope="col">Last heartbeat</th>
                <th scope="col">Cache use</th>
                <th scope="col">Served</th>
                <th scope="col">Exit traffic</th>
                <th scope="col">Score</th>
              </tr>
            </thead>
            <tbody>
              {nodes.data.nodes.map((node) => (
                <tr key={node.nodeId} data-node={node.nodeId}>
                  <th scope="row" title={node.nodeId}>
                    <code>{node.nodeId.slice(0, 12)}…</code>
                  </th>
                  <td>
                    <span class={`status status-${node.status}`}>{node.status}</span>
                    <small class="block">{STATUS_HELP[node.status]}</small>
                  </td>
                  <td>{node.version}</td>
                  <td>{node.status === 'down' ? '—' : formatDuration(nowMs - Date.parse(node.registeredAt))}</td>
                  <td>{formatAgo(node.lastHeartbeatAt, nowMs)}</td>
                  <td>
                    {node.counters === null ? '—' : `${formatBytes(node.counters.cacheStoredBytes)} of ${formatBytes(node.diskQuotaBytes)} (${formatPercent(cacheUse(node))})`}
                  </td>
                  <td>{node.counters === null ? '—' : formatBytes(node.counters.servedBytes)}</td>
                  <td>{node.counters?.exitBytes === undefined ? 'no proxy' : formatBytes(node.counters.exitBytes)}</td>
                  <td>
                    <button type="button" aria-expanded={selected === node.nodeId} onClick={() => setSelected(selected === node.nodeId ? undefined : node.nodeId)}>
                      {selected === node.nodeId ? 'Hide score' : 'Score'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {selected === undefined ? null : <NodeScorePanel api={api} nodeId={selected} />}
    </section>
  )
}
