import { ReplayGuard, verifyCommand } from '@meson/protocol'
import type { Command, CommandRejection, VerifyKey } from '@meson/protocol'

/** Executes a verified command (purge the cache, start draining …). */
export type CommandHandler = (command: Command) => Promise<void> | void

/** What became of one command received from the coordinator. */
export type CommandReceipt =
  | { readonly outcome: 'dispatched'; readonly command: Command }
  | { readonly outcome: 'rejected'; readonly reason: CommandRejection | 'replayed' | 'no-coordinator-key'; readonly commandId?: string }

/** Most command ids remembered as done, to re-acknowledge resent ones. */
const MAX_DONE_COMMANDS = 10_000

/**
 * Receives the signed commands that arrive in heartbeat answers: verifies each with
 * `verifyCommand` (signature, expiry, addressed to this node), refuses replays with a
 * `ReplayGuard`, dispatches the rest to the handler, and collects the ids of commands
 * handled successfully as acks for the next heartbeat. An ack leaves the list only once
 * a heartbeat carrying it was answered 2xx. A command the coordinator resends because
 * our ack was lost is not executed again, but is acknowledged again.
 */
export class CommandInbox {
  readonly #handler: CommandHandler
  readonly #replayGuard: ReplayGuard
  readonly #pendingAcks = new Set<string>()
  readonly #doneExpiresAtById = new Map<string, number>()
  readonly #onSettled: (command: Command, error: unknown) => void

  constructor(options: {
    readonly handler: CommandHandler
    readonly replayGuard?: ReplayGuard
    /** Called when a handler finished (error undefined) or failed. */
    readonly onSettled?: (command: Command, error: unknown) => void
  }) {
    this.#handler = options.handler
    this.#replayGuard = options.replayGuard ?? new ReplayGuard()
    this.#onSettled = options.onSettled ?? (() => undefined)
  }

  /** Ids to acknowledge in the next heartbeat. */
  pendingAcks(): string[] {
    return [...this.#pendingAcks]
  }

  /** The coordinator answered a heartbeat carrying these acks: stop sending them. */
  confirmAcks(ids: readonly string[]): void {
    for (const id of ids) this.#pendingAcks.delete(id)
  }

  /** Verifies and dispatches one raw command envelope; never throws. */
  receive(raw: unknown, context: { readonly key: VerifyKey | undefined; readonly nodeId: string; readonly nowMs: number }): CommandReceipt {
    if (context.key === undefined) return { outcome: 'rejected', reason: 'no-coordinator-key' }
    const verified = verifyCommand(context.key, raw, { now: context.nowMs, nodeId: context.nodeId })
    if (!verified.ok) return { outcome: 'rejected', reason: verified.reason }
    const { command } = verified
    this.#forgetExpired(context.nowMs)
    if (this.#replayGuard.isReplay(command.id, command.expiresAt, context.nowMs)) {
      if (this.#doneExpiresAtById.has(command.id)) this.#pendingAcks.add(command.id)
      return { outcome: 'rejected', reason: 'replayed', commandId: command.id }
    }
    void this.#dispatch(command)
    return { outcome: 'dispatched', command }
  }

  async #dispatch(command: Command): Promise<void> {
    try {
      await this.#handler(command)
    } catch (error) {
      // Not acknowledged: the coordinator reports the node as not having done it.
      this.#onSettled(command, error)
      return
    }
    this.#pendingAcks.add(command.id)
    if (this.#doneExpiresAtById.size >= MAX_DONE_COMMANDS) {
      const oldest = this.#doneExpiresAtById.keys().next()
      if (oldest.done !== true) this.#doneExpiresAtById.delete(oldest.value)
    }
    this.#doneExpiresAtById.set(command.id, command.expiresAt)
    this.#onSettled(command, undefined)
  }

  #forgetExpired(nowMs: number): void {
    for (const [id, expiresAtMs] of this.#doneExpiresAtById) if (expiresAtMs <= nowMs) this.#doneExpiresAtById.delete(id)
  }
}
