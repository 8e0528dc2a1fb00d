/**
 * A proxy endpoint with the credentials put in ("http://user:pass@host:port"): the
 * URL the API gives may or may not carry them already. Returns the text unchanged if
 * it is not a URL.
 */
export function proxyUrlWithCredentials(endpoint: string, scheme: 'http' | 'socks5h', username: string, password: string): string {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `${scheme}://${endpoint}`
  if (!URL.canParse(text)) return endpoint
  const url = new URL(text)
  if (scheme === 'socks5h' && url.protocol.startsWith('socks5')) url.protocol = 'socks5h:'
  url.username = encodeURIComponent(username)
  url.password = encodeURIComponent(password)
  return url.toString().replace(/\/$/, '')
}

/** Shell-quotes one argument for a POSIX shell. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:@=-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`
}

/** The `curl` lines to try a proxy credential, HTTP and SOCKS5 (remote DNS). */
export function proxyCurlLines(credentials: { readonly username: string; readonly password: string; readonly http: string; readonly socks5: string }, target = 'https://example.com/'): { http: string; socks5: string } {
  return {
    http: `curl --proxy ${shellQuote(proxyUrlWithCredentials(credentials.http, 'http', credentials.username, credentials.password))} ${shellQuote(target)}`,
    socks5: `curl --proxy ${shellQuote(proxyUrlWithCredentials(credentials.socks5, 'socks5h', credentials.username, credentials.password))} ${shellQuote(target)}`,
  }
}
