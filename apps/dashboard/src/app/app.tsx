import { useMemo, useState } from 'preact/hooks'
import { createApiClient } from './api/api-client.ts'
import type { ApiClient } from './api/api-client.ts'
import type { ApiFailure } from './api/api-failure.ts'
import { useRoute } from './components/use-route.ts'
import { clearSession, loadSession, saveSession } from './session/session.ts'
import type { Session } from './session/session.ts'
import { BillingView } from './views/billing-view.tsx'
import { ClaimsView } from './views/claims-view.tsx'
import { EarningsView } from './views/earnings-view.tsx'
import { ExplorerView } from './views/explorer-view.tsx'
import { GatewayView } from './views/gateway-view.tsx'
import { NodesView } from './views/nodes-view.tsx'
import { ProxyView } from './views/proxy-view.tsx'
import { SignInView } from './views/sign-in-view.tsx'
import { UsageView } from './views/usage-view.tsx'
import { ZonesView } from './views/zones-view.tsx'

export interface AppProps {
  readonly fetch: typeof fetch
  readonly storage: Storage
}

interface NavItem {
  readonly path: string
  readonly label: string
}

const BUYER_NAV: readonly NavItem[] = [
  { path: '/buyer/zones', label: 'Zones' },
  { path: '/buyer/usage', label: 'Usage' },
  { path: '/buyer/billing', label: 'Balance' },
  { path: '/buyer/proxy', label: 'Proxy' },
  { path: '/buyer/gateway', label: 'Gateway' },
]
const OPERATOR_NAV: readonly NavItem[] = [
  { path: '/operator/nodes', label: 'Nodes' },
  { path: '/operator/earnings', label: 'Earnings' },
  { path: '/operator/claims', label: 'Claims' },
]

/** The shell: navigation by role, the session, and the page for the current path. */
export function App({ fetch, storage }: AppProps) {
  const { path, navigate } = useRoute()
  const [session, setSession] = useState<Session | undefined>(() => loadSession(storage))
  const [endedBecause, setEndedBecause] = useState<string | undefined>(undefined)

  const signOut = (reason?: string): void => {
    clearSession(storage)
    setSession(undefined)
    setEndedBecause(reason)
    navigate('/sign-in')
  }

  const api: ApiClient = useMemo(
    () =>
      createApiClient({
        baseUrl: '',
        token: session?.token,
        fetch,
        onUnauthorized: (failure: ApiFailure) => signOut(`Your session has ended: the coordinator no longer accepts this token (401 ${failure.code}). Sign in again with a valid token.`),
      }),
    [session?.token],
  )
  const publicApi: ApiClient = useMemo(() => createApiClient({ baseUrl: '', token: undefined, fetch }), [])

  const signIn = (next: Session): void => {
    saveSession(storage, next)
    setSession(next)
    setEndedBecause(undefined)
    navigate(next.account.role === 'buyer' ? '/buyer/zones' : '/operator/nodes')
  }

  const nav = session === undefined ? [] : session.account.role === 'buyer' ? BUYER_NAV : OPERATOR_NAV
  const page = choosePage(path, session, api, publicApi, (token) => createApiClient({ baseUrl: '', token, fetch }), signIn, endedBecause)

  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/explorer" onClick={(event) => (event.preventDefault(), navigate('/explorer'))}>
          Meson Network
        </a>
        <nav aria-label="Main">
          <ul>
            <li>
              <NavLink item={{ path: '/explorer', label: 'Explorer' }} current={path} navigate={navigate} />
            </li>
            {nav.map((item) => (
              <li key={item.path}>
                <NavLink item={item} current={path} navigate={navigate} />
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          {session === undefined ? (
            <button type="button" onClick={() => navigate('/sign-in')}>
              Sign in
            </button>
          ) : (
            <>
              <span aria-label="Signed in as">
                {session.account.name} ({session.account.role})
              </span>
              <button type="button" onClick={() => signOut()}>
                Sign out
              </button>
            </>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </div>
  )
}

function NavLink({ item, current, navigate }: { readonly item: NavItem; readonly current: string; readonly navigate: (path: string) => void }) {
  return (
    <a href={item.path} aria-current={current === item.path ? 'page' : undefined} onClick={(event) => (event.preventDefault(), navigate(item.path))}>
      {item.label}
    </a>
  )
}

function choosePage(
  path: string,
  session: Session | undefined,
  api: ApiClient,
  publicApi: ApiClient,
  clientFor: (token: string) => ApiClient,
  signIn: (session: Session) => void,
  endedBecause: string | undefined,
) {
  if (path === '/' || path === '/explorer') return <ExplorerView api={publicApi} />
  if (session === undefined || path === '/sign-in') return <SignInView clientFor={clientFor} onSignedIn={signIn} endedBecause={endedBecause} />
  const role = session.account.role
  if (role === 'buyer') {
    if (path === '/buyer/usage') return <UsageView api={api} />
    if (path === '/buyer/billing') return <BillingView api={api} account={session.account} />
    if (path === '/buyer/proxy') return <ProxyView api={api} />
    if (path === '/buyer/gateway') return <GatewayView api={api} />
    return <ZonesView api={api} />
  }
  if (path === '/operator/earnings') return <EarningsView api={api} />
  if (path === '/operator/claims') return <ClaimsView api={api} />
  return <NodesView api={api} />
}
