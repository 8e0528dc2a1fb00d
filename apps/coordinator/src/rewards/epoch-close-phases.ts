import { channel } from 'node:diagnostics_channel'

/** The steps of an epoch close, in order, as `markEpochClosePhase` names their ends. */
export type EpochClosePhase = 'scored' | 'sybil' | 'split' | 'payouts-planned' | 'scores-written' | 'payouts-written' | 'committed'

/**
 * `diagnostics_channel` the epoch close publishes `{ phase, atMs }` on when a step ends
 * (bench/epoch subscribes to time each step). With no subscriber, publishing costs nothing.
 */
export const EPOCH_CLOSE_CHANNEL = 'meson:epoch-close'
const phases = channel(EPOCH_CLOSE_CHANNEL)

export function markEpochClosePhase(phase: EpochClosePhase): void {
  if (phases.hasSubscribers) phases.publish({ phase, atMs: performance.now() })
}
