// The memories: write one, the list (more pages load as it scrolls), edit and delete,
// tags to filter by, and the conflicts the sync found, for the user to settle.
import { useEffect, useRef, useState } from 'preact/hooks';
import { describe, type MemoryInput } from './api';
import type { Book, Conflict, Shown } from './book';

function tagsOf(text: string): string[] {
  return [...new Set(text.split(',').map((t) => t.trim()).filter(Boolean))];
}

function Editor({ start, label, onSave, onCancel }: {
  start: MemoryInput; label: string; onSave: (m: MemoryInput) => Promise<void>; onCancel?: () => void;
}) {
  const [title, setTitle] = useState(start.title);
  const [body, setBody] = useState(start.body);
  const [tags, setTags] = useState(start.tags.join(', '));
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await onSave({ title: title.trim(), body, tags: tagsOf(tags) });
      if (!onCancel) { setTitle(''); setBody(''); setTags(''); }
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="editor card" onSubmit={submit} aria-label={label}>
      <label>Title<input name="title" required maxLength={200} value={title}
                          onInput={(e) => setTitle(e.currentTarget.value)} /></label>
      <label>Text<textarea name="body" rows={4} value={body}
                           onInput={(e) => setBody(e.currentTarget.value)} /></label>
      <label>Tags <small>(separated by commas)</small>
        <input name="tags" value={tags} onInput={(e) => setTags(e.currentTarget.value)} /></label>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="row">
        <button type="submit" class="primary" disabled={busy}>{label}</button>
        {onCancel && <button type="button" onClick={onCancel}>Cancel</button>}
      </div>
    </form>
  );
}

function ConflictCard({ book, conflict }: { book: Book; conflict: Conflict }) {
  return (
    <section class="card conflict" role="alert" aria-label={`Conflict on ${conflict.theirs.title}`}>
      <h3>This memory was changed on another device</h3>
      <div class="versions">
        <div><h4>Yours (not saved)</h4><p class="title">{conflict.mine.title}</p><p>{conflict.mine.body}</p></div>
        <div><h4>Saved (version {conflict.theirs.version})</h4><p class="title">{conflict.theirs.title}</p><p>{conflict.theirs.body}</p></div>
      </div>
      <div class="row">
        <button type="button" class="primary" onClick={() => book.keepMine(conflict)}>Keep mine</button>
        <button type="button" onClick={() => book.useTheirs(conflict)}>Use the saved one</button>
      </div>
    </section>
  );
}

function Item({ book, memory, onTag }: { book: Book; memory: Shown; onTag: (t: string) => void }) {
  // The version the edit started from: saved with If-Match, so an edit made meanwhile
  // elsewhere is a conflict, never silently overwritten.
  const [editing, setEditing] = useState<number | null>(null);
  const [error, setError] = useState('');
  if (editing !== null)
    return (
      <li>
        <Editor start={memory} label="Save" onCancel={() => setEditing(null)}
                onSave={async (m) => { await book.update(memory.id, m, editing); setEditing(null); }} />
      </li>
    );
  return (
    <li class="card memory" aria-label={memory.title}>
      <h3>{memory.title}{memory.pending && <span class="badge" title="Waiting to be sent">waiting</span>}</h3>
      {memory.body && <p class="body">{memory.body}</p>}
      {memory.tags.length > 0 && (
        <ul class="tags" aria-label="Tags">
          {memory.tags.map((t) => <li><button type="button" class="tag" onClick={() => onTag(t)}>#{t}</button></li>)}
        </ul>
      )}
      <p class="meta">Changed {new Date(memory.updated_at).toLocaleString()}</p>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="row">
        <button type="button" onClick={() => setEditing(memory.version)} aria-label={`Edit ${memory.title}`}>Edit</button>
        <button type="button" class="danger" aria-label={`Delete ${memory.title}`}
                onClick={() => book.remove(memory.id).catch((e) => setError(describe(e)))}>Delete</button>
      </div>
    </li>
  );
}

export function Memories({ book }: { book: Book }) {
  const [tag, setTag] = useState('');
  const end = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (book.list().length === 0) book.loadMore();
    book.pull();
    // More pages as the end of the list comes into view.
    const seen = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) book.loadMore();
    }, { rootMargin: '400px' });
    if (end.current) seen.observe(end.current);
    return () => seen.disconnect();
  }, [book]);

  const shown = book.list().filter((m) => !tag || m.tags.includes(tag));
  return (
    <>
      <h2 class="sr-only">Memories</h2>
      {book.errors.length > 0 && (
        <div class="card error" role="alert">
          {book.errors.map((e) => <p>{e}</p>)}
          <button type="button" onClick={() => book.dismissErrors()}>Dismiss</button>
        </div>
      )}
      {book.conflicts.map((c) => <ConflictCard book={book} conflict={c} />)}
      <Editor start={{ title: '', body: '', tags: [] }} label="Add memory" onSave={(m) => book.create(m)} />
      {tag && (
        <p class="filter">Showing #{tag} <button type="button" onClick={() => setTag('')}>Show all</button></p>
      )}
      <ul class="memories" aria-label="Your memories">
        {shown.map((m) => <Item key={m.id} book={book} memory={m} onTag={setTag} />)}
      </ul>
      {shown.length === 0 && !book.loading && <p class="empty">No memories yet.</p>}
      <div ref={end} class="end">
        {book.loading ? <p role="status">Loading…</p>
          : book.hasMore && <button type="button" onClick={() => book.loadMore()}>Load more</button>}
      </div>
    </>
  );
}
