import type { EpochWindow } from './plan-epoch-close.ts'

/** The aligned epoch containing `atMs`: [floor(atMs / length) × length, + length). */
export function epochContaining(atMs: number, epochLengthMs: number): EpochWindow {
  const startMs = atMs - (((atMs % epochLengthMs) + epochLengthMs) % epochLengthMs)
  return { id: String(startMs), startMs, endMs: startMs + epochLengthMs }
}

/** The epochs that ended by `nowMs` and start at or after `sinceMs`, oldest first (at most `limit`). */
export function endedEpochs(sinceMs: number, nowMs: number, epochLengthMs: number, limit: number): EpochWindow[] {
  const epochs: EpochWindow[] = []
  let epoch = epochContaining(sinceMs, epochLengthMs)
  if (epoch.startMs < sinceMs) epoch = epochContaining(epoch.endMs, epochLengthMs)
  while (epoch.endMs <= nowMs && epochs.length < limit) {
    epochs.push(epoch)
    epoch = epochContaining(epoch.endMs, epochLengthMs)
  }
  return epochs
}
