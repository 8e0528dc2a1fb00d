import { z } from 'zod'
import { errorJsonSchema } from './error-json.ts'
import type { Route } from './route-spec.ts'

type JsonObject = Record<string, unknown>

/** JSON Schema (2020-12, the dialect of OpenAPI 3.1) of a request or response schema. */
function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' })
  return rest
}

function errorResponse(description: string): JsonObject {
  return { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }
}

function parametersOf(schema: z.ZodType | undefined, location: 'path' | 'query'): JsonObject[] {
  if (!(schema instanceof z.ZodObject)) return []
  const object: z.ZodObject<Record<string, z.ZodType>> = schema
  return Object.entries(object.shape).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || !property.safeParse(undefined).success,
    schema: toSchema(property, 'input'),
  }))
}

function operationOf(route: Route): JsonObject {
  const responses: JsonObject = {}
  for (const [status, response] of Object.entries(route.responses)) {
    const contentType = response.contentType ?? 'application/json'
    const isError = Number(status) >= 400
    responses[status] = isError
      ? errorResponse(response.description)
      : {
          description: response.description,
          ...(response.schema === undefined && contentType === 'application/json' ? {} : { content: { [contentType]: { schema: response.schema === undefined ? { type: 'string' } : toSchema(response.schema, 'output') } } }),
        }
  }
  if (route.body !== undefined || route.params !== undefined || route.query !== undefined) {
    responses['400'] ??= errorResponse('INVALID_REQUEST or MALFORMED_JSON')
  }
  if (route.body !== undefined) {
    responses['413'] ??= errorResponse('PAYLOAD_TOO_LARGE')
    responses['415'] ??= errorResponse('UNSUPPORTED_MEDIA_TYPE: send application/json')
  }
  if (route.auth !== 'none') {
    responses['401'] ??= errorResponse('UNAUTHENTICATED: missing or unknown token')
    responses['403'] ??= errorResponse('FORBIDDEN: the token may not use this route')
  }
  return {
    operationId: `${route.method.toLowerCase()}${route.url.replace(/[^A-Za-z0-9]+(.)?/g, (_m, next: string | undefined) => (next ?? '').toUpperCase())}`,
    summary: route.summary,
    ...(route.auth === 'none' ? { security: [] } : { security: [{ [route.auth === 'admin' ? 'adminToken' : 'apiToken']: [] }], 'x-meson-auth': route.auth }),
    parameters: [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')],
    ...(route.body === undefined ? {} : { requestBody: { required: true, content: { 'application/json': { schema: toSchema(route.body, 'input') } } } }),
    responses,
  }
}

/** Builds the OpenAPI 3.1 document of the given routes from their zod schemas. */
export function buildOpenApiDocument(routes: readonly Route[], info: { readonly version: string }): JsonObject {
  const paths: Record<string, JsonObject> = {}
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operationOf(route) }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Meson Network coordinator API', version: info.version },
    paths,
    components: {
      schemas: { Error: toSchema(errorJsonSchema, 'output') },
      securitySchemes: {
        apiToken: { type: 'http', scheme: 'bearer', description: 'an account API token (msn_...)' },
        adminToken: { type: 'http', scheme: 'bearer', description: "the coordinator's admin token" },
      },
    },
  }
}
