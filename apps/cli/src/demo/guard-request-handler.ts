import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'

/**
 * A server's one top-level guard (issue #9): a throw or rejection escaping `handler` is
 * answered `500` with a plain sentence (never the stack trace) and reported once through
 * `onError`, instead of reaching the process's `uncaughtException` and taking the whole
 * demo (coordinator included) down with it.
 */
export function guardRequestHandler(
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
  onError: (error: unknown, req: IncomingMessage) => void,
): RequestListener {
  const fail = (error: unknown, req: IncomingMessage, res: ServerResponse): void => {
    onError(error, req)
    if (res.headersSent) {
      res.destroy()
      return
    }
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', connection: 'close' })
    res.end('internal error\n')
  }
  return (req, res) => {
    try {
      const pending = handler(req, res)
      if (pending !== undefined) pending.catch((error: unknown) => fail(error, req, res))
    } catch (error) {
      fail(error, req, res)
    }
  }
}
