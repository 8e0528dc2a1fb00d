import { defineRoute } from '../../route-spec.ts'

/** `GET /v1/openapi.json`: the OpenAPI 3.1 document of this API. */
export const openApiRoute = defineRoute({
  method: 'GET',
  url: '/v1/openapi.json',
  summary: 'This document',
  auth: 'none',
  responses: { 200: { description: 'OpenAPI 3.1 document' } },
  handle: (_input, { openApiDocument }) => Promise.resolve({ status: 200, body: openApiDocument() }),
})
