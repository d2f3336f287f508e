// CLIENT PAUSE / UNPAUSE. While a pause is in force, a command it covers (every command for
// ALL; writes and commands that may replicate — including an EXEC whose queue holds one — for
// WRITE) is postponed: the client stops executing input, keeping the command, until the pause
// ends by timeout or CLIENT UNPAUSE (which, under ALL, is itself postponed, as in Redis). Then
// postponed clients run their command in the order they were held. Active expiry waits too, so
// no key changes while the dataset is meant to be frozen.

import type { Client } from '../net/client.js';
import type { Command } from '../commands/types.js';
import type { ServerState } from './state.js';

export type PauseMode = 'all' | 'write';

export class ClientPause {
  private untilMs = 0;
  private mode: PauseMode = 'write';
  private timer: NodeJS.Timeout | null = null;
  private held: Client[] = [];

  constructor(private readonly server: ServerState) {}

  get active(): boolean {
    return this.untilMs > 0;
  }

  /** Starts or extends a pause; ALL wins over WRITE while both are in force. */
  pause(durationMs: number, mode: PauseMode, now: number): void {
    const until = now + durationMs;
    if (!this.active) this.mode = mode;
    else if (mode === 'all') this.mode = 'all';
    if (until > this.untilMs) {
      this.untilMs = until;
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.unpause(), Math.max(0, until - Date.now()));
    }
  }

  /** Whether `cmd` from `client` must wait. */
  covers(client: Client, cmd: Command): boolean {
    if (this.mode === 'all') return true;
    if (cmd.isWrite || cmd.flags.has('may_replicate')) return true;
    return cmd.name === 'exec' && client.multi !== null && client.multi.commands.some((q) => q.cmd.isWrite || q.cmd.flags.has('may_replicate'));
  }

  hold(client: Client, argv: string[]): void {
    client.postponed = argv;
    this.held.push(client);
  }

  /**
   * Ends the pause at once; the held commands run in the order they arrived on the next turn of
   * the event loop (after the current batch, as Redis runs unblocked clients before it sleeps).
   */
  unpause(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.untilMs = 0;
    const held = this.held;
    this.held = [];
    if (held.length > 0) setImmediate(() => this.release(held));
  }

  private release(held: Client[]): void {
    for (const client of held) {
      const argv = client.postponed;
      client.postponed = null;
      if (argv === null || client.closed) continue;
      this.server.dispatcher.dispatch(client, argv, this.server.clock.now());
      client.flush();
      if (client.parser.pendingBytes > 0) setImmediate(() => client.processInput());
    }
  }

  remove(client: Client): void {
    const i = this.held.indexOf(client);
    if (i >= 0) this.held.splice(i, 1);
  }
}
