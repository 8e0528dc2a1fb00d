import type { ApiClient } from '../api/api-client.ts'
import type { AccountJson } from '../api/api-types.ts'
import { CopyLine } from '../components/copy-line.tsx'
import { Notice } from '../components/notice.tsx'
import { Stat } from '../components/stat.tsx'
import { usePoll } from '../components/use-poll.ts'
import { formatToken } from '../format/format-token.ts'

const BALANCE_POLL_MS = 5_000

/** Prepaid credit, the ledger entries behind it, and how to deposit more. */
export function BillingView({ api, account }: { readonly api: ApiClient; readonly account: AccountJson }) {
  const balance = usePoll(() => api.balance(), BALANCE_POLL_MS)
  const ledger = usePoll(() => api.ledger(), 15_000)
  const chain = usePoll(() => api.chain(), 60_000)
  return (
    <section aria-labelledby="billing-title">
      <h1 id="billing-title">Balance</h1>
      <Notice failure={balance.error} />
      <dl class="stats" aria-label="Balance">
        <Stat label="Prepaid credit" value={balance.data === undefined ? '…' : formatToken(balance.data.balance)} hint="usage is charged per GiB delivered, hourly" />
      </dl>
      <div class="panel">
        <h2>Ledger entries</h2>
        <Notice failure={ledger.error} />
        {ledger.data === undefined ? null : ledger.data.entries.length === 0 ? (
          <p>No entries yet.</p>
        ) : (
          <table aria-label="Ledger entries">
            <thead>
              <tr>
                <th scope="col">When (UTC)</th>
                <th scope="col">Kind</th>
                <th scope="col">Amount</th>
                <th scope="col">Memo</th>
              </tr>
            </thead>
            <tbody>
              {ledger.data.entries.map((entry) => (
                <tr key={`${entry.transactionId}-${entry.amount}`}>
                  <td>{entry.at.slice(0, 16).replace('T', ' ')}</td>
                  <td>{entry.kind}</td>
                  <td>{formatToken(entry.amount)}</td>
                  <td>{entry.memo ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <div class="panel">
        <h2>Deposit</h2>
        {chain.data !== undefined ? (
          <>
            <p>
              Send MSN (token <code>{chain.data.token}</code>) on chain {chain.data.chainId} to the deposit vault, naming your account id. The credit shows here once the deposit is final.
            </p>
            <CopyLine label="deposit vault address" text={chain.data.vault} />
            <CopyLine label="your account id" text={account.id} />
          </>
        ) : chain.error !== undefined ? (
          <>
            <p class="hint" role="status">
              No chain is configured on this coordinator yet, so deposits cannot be made on-chain. The coordinator's operator credits accounts with <code>POST /v1/admin/credits</code>; give them your account id:
            </p>
            <CopyLine label="your account id" text={account.id} />
          </>
        ) : null}
      </div>
    </section>
  )
}
