import { z } from 'zod'

const ORIGIN_MESSAGE = 'expected an absolute http(s) URL without credentials or fragment'

/** Whether `text` is an absolute http(s) URL fit to be a pull zone's origin. */
export function isOriginUrl(text: string): boolean {
  if (!URL.canParse(text)) return false
  const url = new URL(text)
  // Credentials in an origin URL would be handed to every node that fetches from it.
  if (url.username !== '' || url.password !== '') return false
  // A fragment is never sent to a server (RFC 9110 §4.2.4); having one is a mistake.
  if (text.includes('#')) return false
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
}

export const originUrlSchema = z
  .string({ error: 'expected a string' })
  .max(2048, { error: 'expected at most 2048 characters' })
  .refine(isOriginUrl, { error: ORIGIN_MESSAGE })
  .meta({ format: 'uri', example: 'https://origin.example.com' })
