import { useState } from 'preact/hooks'
import type { ApiClient } from '../api/api-client.ts'
import { Notice } from '../components/notice.tsx'
import type { Session } from '../session/session.ts'

export interface SignInViewProps {
  /** A client that sends `token`, to ask `/v1/me` who it belongs to. */
  readonly clientFor: (token: string) => ApiClient
  readonly onSignedIn: (session: Session) => void
  /** Why the last session ended (a 401 mid-session), shown above the form. */
  readonly endedBecause: string | undefined
}

/** Sign-in by API token: checked with `GET /v1/me`, then kept in session storage for this tab. */
export function SignInView({ clientFor, onSignedIn, endedBecause }: SignInViewProps) {
  const [token, setToken] = useState('')
  const [failure, setFailure] = useState<unknown>(undefined)
  const [isBusy, setIsBusy] = useState(false)

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault()
    const trimmed = token.trim()
    if (trimmed === '') return
    setIsBusy(true)
    setFailure(undefined)
    try {
      const { account } = await clientFor(trimmed).me()
      onSignedIn({ token: trimmed, account })
    } catch (error) {
      setFailure(error)
    } finally {
      setIsBusy(false)
    }
  }

  return (
    <section class="panel narrow" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      {endedBecause === undefined ? null : (
        <p class="notice notice-error" role="alert" data-failure="session-ended">
          {endedBecause}
        </p>
      )}
      <p>
        Paste the API token of your buyer or operator account. It stays in this tab only (session storage) and is sent only to this coordinator's <code>/v1</code> API. <code>npm start</code> prints the demo tokens.
      </p>
      <form onSubmit={(event) => void submit(event)}>
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autoComplete="off" spellcheck={false} value={token} onInput={(event) => setToken(event.currentTarget.value)} required />
        <button type="submit" disabled={isBusy}>
          {isBusy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
      <Notice failure={failure} />
    </section>
  )
}
