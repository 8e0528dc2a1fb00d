import { z } from 'zod'
import { ApiError } from '../../api-error.ts'
import { defineRoute, requireAccount } from '../../route-spec.ts'
import { requireRewards } from './require-rewards.ts'
import { explainNodeScore } from '../../../../rewards/explain-node-score.ts'

const factorJsonSchema = z.object({
  value: z.number(),
  measurements: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  howToRaise: z.string(),
})

const nodeScoreJsonSchema = z.object({
  nodeId: z.string(),
  epochId: z.string(),
  score: z.number().meta({ description: 'bandwidth × storage × credit × correctness (0 when offline)' }),
  weight: z.string().meta({ description: 'share weight after the anti-Sybil rules' }),
  factors: z.object({ bandwidth: factorJsonSchema, storage: factorJsonSchema, credit: factorJsonSchema, correctness: factorJsonSchema }),
  penalties: z.array(z.object({ kind: z.string(), reason: z.string(), epochId: z.string() })),
})

/**
 * `GET /v1/nodes/:id/score` (the node's operator): the node's score of its latest
 * (or the given) epoch, each factor with its measurements and what would raise it,
 * and the penalties of its recent epochs with their reasons.
 */
export const nodeScoreRoute = defineRoute({
  method: 'GET',
  url: '/v1/nodes/:id/score',
  summary: "A node's score with each factor explained (the node's operator)",
  auth: 'operator',
  params: z.strictObject({ id: z.string().min(1).max(128) }),
  query: z.strictObject({ epoch: z.string().regex(/^[0-9]{1,16}$/, { error: 'expected an epoch id' }).optional() }),
  responses: {
    200: { description: 'the score', schema: nodeScoreJsonSchema },
    404: { description: 'SCORE_NOT_FOUND: no scored epoch for this node of yours' },
    503: { description: 'REWARDS_UNAVAILABLE' },
  },
  handle: async ({ params, query, caller }, context) => {
    const rewards = requireRewards(context)
    const score = await rewards.getNodeScore(params.id, query.epoch)
    // Another operator's node answers like an unknown one: no probing for ids.
    if (score?.operatorId !== requireAccount(caller).id) throw new ApiError('SCORE_NOT_FOUND', 'no scored epoch for this node yet (epochs close every epoch length)')
    const penalties = await rewards.listNodePenalties(params.id, 50)
    return {
      status: 200,
      body: { nodeId: score.nodeId, epochId: score.epochId, score: score.score, weight: score.weight.toString(), factors: explainNodeScore(score, rewards.scoreConfig), penalties },
    }
  },
})
