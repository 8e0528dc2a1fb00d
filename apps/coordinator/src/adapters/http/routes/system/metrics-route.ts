import { defineRoute } from '../../route-spec.ts'

/** `GET /metrics`: Prometheus text exposition of this instance's registry. */
export const metricsRoute = defineRoute({
  method: 'GET',
  url: '/metrics',
  summary: 'Prometheus metrics',
  auth: 'none',
  responses: { 200: { description: 'Prometheus text format', contentType: 'text/plain' } },
  handle: async (_input, { renderMetrics }) => {
    const { contentType, text } = await renderMetrics()
    return { status: 200, body: text, contentType }
  },
})
