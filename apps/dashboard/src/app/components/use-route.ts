import { useEffect, useState } from 'preact/hooks'

/** The page's path, following history navigation (the coordinator answers any page path with the app). */
export function useRoute(): { readonly path: string; readonly navigate: (path: string) => void } {
  const [path, setPath] = useState(window.location.pathname)
  useEffect(() => {
    const onPop = (): void => setPath(window.location.pathname)
    window.addEventListener('popstate', onPop)
    return () => window.removeEventListener('popstate', onPop)
  }, [])
  const navigate = (next: string): void => {
    if (next !== window.location.pathname) window.history.pushState(null, '', next)
    setPath(next)
    window.scrollTo(0, 0)
  }
  return { path, navigate }
}
