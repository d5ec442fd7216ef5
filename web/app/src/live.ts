// The /v1/events socket: tells the page what changed on the server (this user's other
// tabs and devices, the file processor, the stores), and reconnects with a growing
// pause after a loss. The sync loop, not the event, carries the data.
import { socketUrl } from './api';

export interface LiveEvent { type: string; id?: string; cursor?: string }

export class Live {
  private socket: WebSocket | null = null;
  private retry = 0;
  private timer: number | undefined;
  private stopped = false;
  connected = false;

  constructor(private readonly onEvent: (e: LiveEvent) => void,
              private readonly onState: (connected: boolean) => void) {
    this.open();
  }

  private open() {
    if (this.stopped) return;
    const socket = new WebSocket(socketUrl('/v1/events'));
    this.socket = socket;
    socket.onopen = () => {
      this.retry = 0;
      this.connected = true;
      this.onState(true);
    };
    socket.onmessage = (m) => {
      try { this.onEvent(JSON.parse(String(m.data))); } catch { /* not an event */ }
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;  // replaced by poke()
      this.connected = false;
      this.onState(false);
      if (this.stopped) return;
      // 1 s, 2 s, 4 s ... up to 30 s, with jitter so that many tabs do not return at once.
      const pause = Math.min(30_000, 1000 * 2 ** this.retry++) * (0.5 + Math.random() / 2);
      this.timer = window.setTimeout(() => this.open(), pause);
    };
  }

  // Reconnect now (the browser is back online).
  poke() {
    if (this.connected || this.stopped) return;
    window.clearTimeout(this.timer);
    this.retry = 0;
    const old = this.socket;
    this.socket = null;
    old?.close();
    this.open();
  }

  stop() {
    this.stopped = true;
    window.clearTimeout(this.timer);
    this.socket?.close();
  }
}
