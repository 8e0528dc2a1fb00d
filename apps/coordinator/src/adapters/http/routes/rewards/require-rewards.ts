import { ApiError } from '../../api-error.ts'
import type { Rewards } from '../../../../rewards/rewards.ts'
import type { RouteContext } from '../../route-spec.ts'

/** The rewards component, or a 503 `REWARDS_UNAVAILABLE` when this coordinator runs without it. */
export function requireRewards(context: RouteContext): Rewards {
  if (context.rewards === undefined) throw new ApiError('REWARDS_UNAVAILABLE', 'rewards are not enabled on this coordinator')
  return context.rewards
}
