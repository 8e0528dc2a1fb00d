import { useState } from 'preact/hooks'
import type { ApiClient } from '../api/api-client.ts'
import { ApiFailure } from '../api/api-failure.ts'
import { CopyLine } from '../components/copy-line.tsx'
import { Notice } from '../components/notice.tsx'
import { Stat } from '../components/stat.tsx'
import { usePoll } from '../components/use-poll.ts'
import { formatToken } from '../format/format-token.ts'

/**
 * Claim status of the operator's payout address, with the command that claims it on
 * chain (the distributor's `claim(account, cumulativeAmount, proof)`, sent with
 * Foundry's `cast`; the wallet signs, the dashboard never sees a key).
 */
export function ClaimsView({ api }: { readonly api: ApiClient }) {
  const me = usePoll(() => api.me(), 0)
  const address = me.data?.account.payoutAddress ?? null
  const claim = usePoll(() => (address === null ? Promise.resolve(undefined) : api.claim(address)), 15_000, address ?? '')
  const noClaim = claim.error instanceof ApiFailure && claim.error.code === 'NO_CLAIM'

  return (
    <section aria-labelledby="claims-title">
      <h1 id="claims-title">Claims</h1>
      <Notice failure={me.error} />
      {me.data === undefined ? null : address === null ? (
        <PayoutAddressForm api={api} onSaved={me.reload} />
      ) : (
        <div class="panel">
          <p>
            Payout address: <code>{address}</code>
          </p>
          {noClaim ? <p role="status">Nothing to claim yet for this address: rewards become claimable when an epoch is settled on chain.</p> : <Notice failure={claim.error} />}
          {claim.data === undefined ? null : (
            <>
              <dl class="stats" aria-label="Claim">
                <Stat label="Earned (cumulative)" value={formatToken(claim.data.cumulativeAmount)} />
                <Stat label="Already claimed" value={formatToken(claim.data.claimed)} />
                <Stat label="Claimable now" value={formatToken(BigInt(claim.data.cumulativeAmount) - BigInt(claim.data.claimed))} />
              </dl>
              <p>
                Chain {claim.data.chainId}, distributor <code>{claim.data.distributor}</code>. Run with your wallet (Foundry's <code>cast</code>):
              </p>
              <CopyLine
                label="claim command"
                text={`cast send ${claim.data.distributor} "claim(address,uint256,bytes32[])" ${claim.data.address} ${claim.data.cumulativeAmount} "[${claim.data.proof.join(',')}]" --chain ${claim.data.chainId} --rpc-url "$MESON_RPC_URL" --interactive`}
              />
            </>
          )}
        </div>
      )}
    </section>
  )
}

function PayoutAddressForm({ api, onSaved }: { readonly api: ApiClient; readonly onSaved: () => void }) {
  const [address, setAddress] = useState('')
  const [failure, setFailure] = useState<unknown>(undefined)
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault()
    setFailure(undefined)
    try {
      await api.setPayoutAddress(address.trim())
      onSaved()
    } catch (error) {
      setFailure(error)
    }
  }
  return (
    <form class="panel form-grid" onSubmit={(event) => void submit(event)} aria-labelledby="payout-title">
      <h2 id="payout-title">Set a payout address</h2>
      <p>Rewards are paid to an Ethereum address you control. Set one to see what you can claim.</p>
      <label for="payout-address">Payout address</label>
      <input id="payout-address" value={address} onInput={(event) => setAddress(event.currentTarget.value)} pattern="0x[0-9a-fA-F]{40}" placeholder="0x…" required spellcheck={false} />
      <button type="submit">Save</button>
      <Notice failure={failure} />
    </form>
  )
}
