// The signed-in app: one Book (memories and their sync) and one live socket for the
// session, shared by the views; a view is picked by the URL's hash so links and the
// back button work.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Features } from './api';
import { Book } from './book';
import { Live, type LiveEvent } from './live';
import type { Session } from './main';
import { Memories } from './memories';
import { Search } from './search';
import { Files } from './files';
import { Assistant } from './assistant';
import { Purchases } from './purchases';

export type Listener = (e: LiveEvent) => void;

export class Hub {
  private listeners = new Set<Listener>();
  on(f: Listener) { this.listeners.add(f); return () => { this.listeners.delete(f); }; }
  emit(e: LiveEvent) { for (const f of this.listeners) f(e); }
}

function useHash(): string {
  const [hash, setHash] = useState(location.hash.slice(2) || 'memories');
  useEffect(() => {
    const f = () => setHash(location.hash.slice(2) || 'memories');
    addEventListener('hashchange', f);
    return () => removeEventListener('hashchange', f);
  }, []);
  return hash;
}

export function Home({ session, features, onSignOut }:
                     { session: Session; features: Features; onSignOut: () => void }) {
  const book = useMemo(() => new Book(session.user.id), [session.user.id]);
  const hub = useMemo(() => new Hub(), []);
  const [connected, setConnected] = useState(false);
  const [, redraw] = useState(0);
  const view = useHash();

  useEffect(() => book.subscribe(() => redraw((n) => n + 1)), [book]);
  useEffect(() => {
    const live = new Live((e) => {
      if (e.type.startsWith('memory.')) book.pull();
      hub.emit(e);
    }, (up) => {
      setConnected(up);
      if (up) book.flush();  // back: send what waited, then catch up
    });
    const online = () => { live.poke(); book.flush(); };
    addEventListener('online', online);
    // While changes wait, try again now and then (a server that was down comes back
    // without the browser noticing a network change).
    const retry = window.setInterval(() => { if (book.pending > 0) book.flush(); }, 10_000);
    return () => { live.stop(); removeEventListener('online', online); window.clearInterval(retry); };
  }, [book, hub]);

  const views: [string, string][] = [['memories', 'Memories'], ['search', 'Search'], ['files', 'Files']];
  if (features.assistant.text) views.push(['assistant', 'Assistant']);
  if (features.purchases.enabled) views.push(['purchases', 'Purchases']);
  const current = views.some(([v]) => v === view) ? view : 'memories';

  return (
    <>
      <header class="top">
        <span class="brand">MindMe</span>
        <nav aria-label="Sections">
          {views.map(([v, label]) => (
            <a href={`#/${v}`} aria-current={current === v ? 'page' : undefined}>{label}</a>
          ))}
        </nav>
        <span class="status" role="status" aria-live="polite">
          <span class={`dot ${connected && !book.offline ? 'up' : 'down'}`} aria-hidden="true" />
          {book.offline ? 'Offline' : connected ? 'Live' : 'Connecting…'}
          {book.pending > 0 && ` · ${book.pending} change${book.pending > 1 ? 's' : ''} waiting`}
        </span>
        <span class="who">{session.user.email}</span>
        <button type="button" onClick={onSignOut}>Sign out</button>
      </header>
      <main class="view">
        {current === 'memories' && <Memories book={book} />}
        {current === 'search' && <Search />}
        {current === 'files' && <Files hub={hub} />}
        {current === 'assistant' && <Assistant voice={features.assistant.voice} book={book} />}
        {current === 'purchases' && <Purchases features={features} hub={hub} />}
      </main>
    </>
  );
}
