import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply, FastifyRequest, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify'
import type { Logger } from 'pino'

type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, Logger>

/** Vite names every file under `assets/` after a hash of its content: it never changes. */
const IMMUTABLE = 'public, max-age=31536000, immutable'
/** index.html and unhashed files: always revalidate, so a new build shows at once. */
const REVALIDATE = 'no-cache'
/**
 * The SPA loads only its own scripts and styles and talks only to this origin's /v1.
 * uPlot sets element styles from script (CSSOM), which `style-src 'self'` allows; the
 * inline `style` attributes Preact writes need 'unsafe-inline' for styles only.
 */
const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'referrer-policy': 'no-referrer',
}

/**
 * Serves the built dashboard at `/` (`@fastify/static`: content types, ETags, ranges, and
 * no path outside `rootDir`). API, redirector and custom-domain routes are registered
 * with more specific patterns or hooks and keep precedence over the wildcard.
 */
export function registerDashboard(app: App, rootDir: string): void {
  void app.register(fastifyStatic, {
    root: rootDir,
    prefix: '/',
    index: ['index.html'],
    cacheControl: false,
    dotfiles: 'deny',
    setHeaders: (response, filePath) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) void response.header(name, value)
      void response.header('cache-control', /[\\/]assets[\\/]/.test(filePath) ? IMMUTABLE : REVALIDATE)
    },
  })
}

/**
 * Whether a request the routes did not match is a page of the SPA (client-side routes
 * like `/zones`): a GET for HTML outside `/v1/` and `/z/`, without a file extension.
 */
export function isDashboardPage(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false
  const path = request.url.split('?')[0] ?? ''
  if (path.startsWith('/v1/') || path === '/v1' || path.startsWith('/z/') || /\.[a-z0-9]+$/i.test(path)) return false
  const accept = request.headers.accept ?? ''
  return accept.includes('text/html')
}

/** Answers an SPA route with index.html (never cached, so a new build is picked up). */
export function sendDashboardPage(reply: FastifyReply): FastifyReply {
  void reply.headers({ ...SECURITY_HEADERS, 'cache-control': REVALIDATE })
  return reply.type('text/html; charset=utf-8').sendFile('index.html')
}
