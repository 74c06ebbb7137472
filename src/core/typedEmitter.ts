import { EventEmitter } from 'node:events';

/**
 * A Node EventEmitter whose event names and payloads are checked by the compiler.
 * `Events` maps each event name to its payload type.
 */
export class TypedEmitter<Events extends Record<string, unknown>> {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Many views and MCP sessions subscribe at once; that is expected, not a leak.
    this.emitter.setMaxListeners(0);
  }

  on<K extends keyof Events & string>(event: K, listener: (payload: Events[K]) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  emit<K extends keyof Events & string>(event: K, payload: Events[K]): void {
    this.emitter.emit(event, payload);
  }

  /** How many listeners an event has (diagnostics, and tests that check nothing leaks). */
  listenerCount<K extends keyof Events & string>(event: K): number {
    return this.emitter.listenerCount(event);
  }

  removeAll(): void {
    this.emitter.removeAllListeners();
  }
}
