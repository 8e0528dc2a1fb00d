import { useState } from 'preact/hooks'
import type { ApiClient } from '../api/api-client.ts'
import type { ProxyCredentialsJson } from '../api/api-types.ts'
import { CopyLine } from '../components/copy-line.tsx'
import { proxyCurlLines } from '../components/curl-lines.ts'
import { Notice } from '../components/notice.tsx'

/** Residential proxy credentials (#10): shown once, with ready-to-paste curl lines. */
export function ProxyView({ api }: { readonly api: ApiClient }) {
  const [credentials, setCredentials] = useState<ProxyCredentialsJson | undefined>(undefined)
  const [failure, setFailure] = useState<unknown>(undefined)
  const [isBusy, setIsBusy] = useState(false)

  const issue = async (): Promise<void> => {
    setIsBusy(true)
    setFailure(undefined)
    try {
      setCredentials(await api.proxyCredentials())
    } catch (error) {
      setFailure(error)
    } finally {
      setIsBusy(false)
    }
  }

  const lines = credentials === undefined ? undefined : proxyCurlLines(credentials)
  return (
    <section aria-labelledby="proxy-title">
      <h1 id="proxy-title">Proxy</h1>
      <div class="panel">
        <p>
          Route requests through Meson nodes over HTTP or SOCKS5. Usage is billed per GiB like CDN traffic and shows under Usage as product <code>proxy</code>. The password is shown only once; issuing new credentials replaces the old ones.
        </p>
        <button type="button" onClick={() => void issue()} disabled={isBusy}>
          {credentials === undefined ? 'Issue proxy credentials' : 'Rotate the password'}
        </button>
        <Notice failure={failure} />
        {credentials === undefined || lines === undefined ? null : (
          <>
            <p class="notice notice-ok" role="status">
              Copy the password now: it is not shown again.
            </p>
            <CopyLine label="proxy username" text={credentials.username} />
            <CopyLine label="proxy password" text={credentials.password} />
            <h2>Try it</h2>
            <CopyLine label="curl through the HTTP proxy" text={lines.http} />
            <CopyLine label="curl through the SOCKS5 proxy" text={lines.socks5} />
          </>
        )}
      </div>
    </section>
  )
}
