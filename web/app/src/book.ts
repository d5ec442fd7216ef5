// The user's memories in this browser: pages of GET /v1/memories as the list scrolls,
// kept current by the sync loop (GET /v1/sync from a cursor kept in localStorage), and
// changes made offline queued in localStorage and sent when the server is back. A change
// the server refuses because the memory moved on (412) becomes a conflict for the user.
import { ApiError, OfflineError, call, get, type Change, type Memory, type MemoryInput } from './api';

export type Op =
  | { op: 'create'; local: string; input: MemoryInput }
  | { op: 'update'; id: string; input: MemoryInput; base: number }
  | { op: 'delete'; id: string };

export interface Conflict { id: string; mine: MemoryInput; theirs: Memory }

export interface Shown extends Memory { pending?: boolean }

const PAGE = 30;

export class Book {
  private memories = new Map<string, Shown>();
  private listCursor: string | null = null;
  hasMore = true;
  loading = false;
  offline = false;
  conflicts: Conflict[] = [];
  errors: string[] = [];
  private queue: Op[];
  private pulling: Promise<void> | null = null;
  private pullAgain = false;
  private listeners = new Set<() => void>();
  private localIds = 0;

  constructor(private readonly userId: string) {
    this.queue = JSON.parse(localStorage.getItem(this.key('queue')) ?? '[]');
    for (const op of this.queue) this.showQueued(op);
  }

  private key(what: string) { return `mindme.${what}.${this.userId}`; }
  get pending() { return this.queue.length; }

  subscribe(f: () => void) { this.listeners.add(f); return () => { this.listeners.delete(f); }; }
  private changed() { for (const f of this.listeners) f(); }

  // Newest change first, as the server lists them.
  list(): Shown[] {
    return [...this.memories.values()].sort((a, b) => b.updated_at.localeCompare(a.updated_at));
  }
  find(id: string) { return this.memories.get(id); }

  async loadMore() {
    if (this.loading || !this.hasMore) return;
    this.loading = true;
    this.changed();
    try {
      const q = `/v1/memories?limit=${PAGE}${this.listCursor ? `&cursor=${encodeURIComponent(this.listCursor)}` : ''}`;
      const page = await get<{ items: Memory[]; next_cursor: string | null }>(q);
      for (const m of page.items) if (!this.memories.get(m.id)?.pending) this.memories.set(m.id, m);
      this.listCursor = page.next_cursor;
      this.hasMore = page.next_cursor !== null;
      this.offline = false;
    } catch (e) {
      this.note(e);
    } finally {
      this.loading = false;
      this.changed();
    }
  }

  // The oldest change the list has loaded: a memory changed elsewhere that is older
  // shows when the list scrolls to it. Null when every page is loaded.
  private windowStart(): string | null {
    if (!this.hasMore) return null;
    let oldest: string | undefined;
    for (const m of this.memories.values()) if (oldest === undefined || m.updated_at < oldest) oldest = m.updated_at;
    return oldest ?? '\uffff';  // nothing loaded yet: nothing is in the window
  }

  // Applies every change since the saved cursor; one pull at a time, a request during
  // one runs once more after it.
  pull(): Promise<void> {
    if (this.pulling) { this.pullAgain = true; return this.pulling; }
    this.pulling = (async () => {
      try {
        do {
          this.pullAgain = false;
          let more = true;
          while (more) {
            const since = localStorage.getItem(this.key('cursor'));
            const page = await get<{ changes: Change[]; cursor: string; has_more: boolean }>(
              `/v1/sync?limit=500${since ? `&since=${encodeURIComponent(since)}` : ''}`);
            const start = this.windowStart();
            for (const c of page.changes) this.apply(c, start);
            localStorage.setItem(this.key('cursor'), page.cursor);
            more = page.has_more;
          }
        } while (this.pullAgain);
        this.offline = false;
      } catch (e) {
        this.note(e);
      } finally {
        this.pulling = null;
        this.changed();
      }
    })();
    return this.pulling;
  }

  private apply(c: Change, windowStart: string | null) {
    if (c.type === 'upsert') {
      const known = this.memories.get(c.memory.id);
      if (known?.pending) return;  // ours waits to be sent; a conflict shows when it is
      if (known ? known.version <= c.memory.version : windowStart === null || c.memory.updated_at >= windowStart)
        this.memories.set(c.memory.id, c.memory);
    } else if (c.type === 'delete') {
      this.memories.delete(c.id);
    }
  }

  async create(input: MemoryInput): Promise<void> {
    await this.run({ op: 'create', local: `local-${Date.now()}-${++this.localIds}`, input });
  }

  async update(id: string, input: MemoryInput, base: number): Promise<void> {
    const queued = this.queue.find((o) => o.op === 'create' && o.local === id);
    if (queued && queued.op === 'create') {  // not sent yet: send the newer text instead
      queued.input = input;
      this.save();
      this.showQueued(queued);
      this.changed();
      return;
    }
    const waiting = this.queue.find((o) => o.op === 'update' && o.id === id);
    if (waiting && waiting.op === 'update') {  // an edit of an edit not sent yet: one PUT
      waiting.input = input;
      this.save();
      this.showQueued(waiting);
      this.changed();
      return;
    }
    await this.run({ op: 'update', id, input, base });
  }

  async remove(id: string): Promise<void> {
    const i = this.queue.findIndex((o) => o.op === 'create' && o.local === id);
    if (i >= 0) {
      this.queue.splice(i, 1);
      this.save();
      this.memories.delete(id);
      this.changed();
      return;
    }
    await this.run({ op: 'delete', id });
  }

  // Sends one change now, or queues it when there is no connection (or older ones wait).
  private async run(op: Op) {
    if (this.queue.length === 0) {
      try {
        await this.send(op);
        this.offline = false;
        this.changed();
        return;
      } catch (e) {
        if (!(e instanceof OfflineError)) { this.changed(); throw e; }
        this.offline = true;
      }
    }
    this.queue.push(op);
    this.save();
    this.showQueued(op);
    this.changed();
  }

  private async send(op: Op) {
    try {
      if (op.op === 'create') {
        const a = await call<Memory>('POST', '/v1/memories', op.input);
        this.memories.delete(op.local);
        this.memories.set(a.body.id, a.body);
      } else if (op.op === 'update') {
        const a = await call<Memory>('PUT', `/v1/memories/${encodeURIComponent(op.id)}`, op.input,
                                     { 'If-Match': `"${op.base}"` });
        this.memories.set(op.id, a.body);
      } else {
        await call('DELETE', `/v1/memories/${encodeURIComponent(op.id)}`).catch((e) => {
          if (!(e instanceof ApiError && e.status === 404)) throw e;  // already gone
        });
        this.memories.delete(op.id);
      }
    } catch (e) {
      if (op.op === 'update' && e instanceof ApiError && (e.status === 412 || e.status === 404)) {
        await this.conflict(op, e.status === 404);
        return;
      }
      throw e;
    }
  }

  private async conflict(op: Extract<Op, { op: 'update' }>, gone: boolean) {
    if (gone) {
      this.memories.delete(op.id);
      this.errors.push(`"${op.input.title}" was deleted on another device; your edit was not saved.`);
      return;
    }
    const a = await call<Memory>('GET', `/v1/memories/${encodeURIComponent(op.id)}`);
    this.memories.set(op.id, a.body);
    this.conflicts = [...this.conflicts.filter((c) => c.id !== op.id), { id: op.id, mine: op.input, theirs: a.body }];
  }

  // Sends what waits, in order; stops at the first change that still cannot be sent.
  async flush() {
    while (this.queue.length > 0) {
      const op = this.queue[0];
      try {
        await this.send(op);
      } catch (e) {
        if (e instanceof OfflineError) { this.offline = true; this.changed(); return; }
        this.errors.push(`A change made offline was refused: ${(e as Error).message}`);
        if (op.op === 'create') this.memories.delete(op.local);
      }
      this.queue.shift();
      this.save();
      this.offline = false;
      this.changed();
    }
    await this.pull();
  }

  async keepMine(c: Conflict) {
    this.conflicts = this.conflicts.filter((x) => x !== c);
    await this.run({ op: 'update', id: c.id, input: c.mine, base: c.theirs.version });
  }

  useTheirs(c: Conflict) {
    this.conflicts = this.conflicts.filter((x) => x !== c);
    this.memories.set(c.id, c.theirs);
    this.changed();
  }

  dismissErrors() { this.errors = []; this.changed(); }

  private save() { localStorage.setItem(this.key('queue'), JSON.stringify(this.queue)); }

  // What a queued change looks like until the server has it.
  private showQueued(op: Op) {
    const now = new Date().toISOString();
    if (op.op === 'delete') { this.memories.delete(op.id); return; }
    const id = op.op === 'create' ? op.local : op.id;
    const before = this.memories.get(id);
    this.memories.set(id, {
      id, ...op.input, created_at: before?.created_at ?? now, updated_at: now,
      version: before?.version ?? 0, pending: true,
    });
  }

  private note(e: unknown) {
    if (e instanceof OfflineError) this.offline = true;
    else this.errors.push((e as Error).message);
  }
}
