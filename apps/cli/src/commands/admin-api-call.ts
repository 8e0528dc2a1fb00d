import { CommanderError } from 'commander'

/** One JSON call to a coordinator's /v1 API; a refusal is printed as its code and message (exit 1). */
export async function callCoordinatorApi(coordinatorUrl: string, token: string, method: string, path: string, body?: unknown): Promise<unknown> {
  let response: Response
  try {
    response = await fetch(new URL(path, coordinatorUrl), {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  } catch {
    process.stderr.write(`meson-net: cannot reach the coordinator at ${coordinatorUrl}; is it running? (meson-net coordinator)\n`)
    throw new CommanderError(1, 'meson.unreachable', 'coordinator unreachable')
  }
  const text = await response.text()
  const parsed: unknown = text === '' ? undefined : JSON.parse(text)
  if (!response.ok) {
    const error: unknown = typeof parsed === 'object' && parsed !== null ? Reflect.get(parsed, 'error') : undefined
    const code = textField(error, 'code') ?? ''
    const message = textField(error, 'message') ?? text.slice(0, 200)
    process.stderr.write(`meson-net: the coordinator refused (${String(response.status)} ${code}): ${message}\n`)
    throw new CommanderError(1, 'meson.refused', 'refused')
  }
  return parsed
}

/** A string field of a JSON object, or undefined. */
export function textField(value: unknown, key: string): string | undefined {
  const field: unknown = typeof value === 'object' && value !== null ? Reflect.get(value, key) : undefined
  return typeof field === 'string' ? field : undefined
}
