// Search over memories and file text, with the server's highlights. A snippet is HTML
// whose only tags are <mark>: it is split on them and every piece shown as text, so
// nothing in a user's notes can become markup.
import { useState } from 'preact/hooks';
import { describe, get, type Hit } from './api';

// A textarea's content is text to the HTML parser (entities decoded, no elements, no
// whitespace dropped): the decoder for a snippet's pieces.
const decoder = document.createElement('textarea');
function text(html: string): string {
  decoder.innerHTML = html;
  return decoder.value;
}

export function Snippet({ html }: { html: string }) {
  const parts = html.split(/<\/?mark>/);
  return <p class="snippet">{parts.map((p, i) => (i % 2 === 1 ? <mark>{text(p)}</mark> : text(p)))}</p>;
}

export function Search() {
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<Hit[] | null>(null);
  const [error, setError] = useState('');

  async function submit(e: Event) {
    e.preventDefault();
    if (!q.trim()) return;
    setError('');
    try {
      const r = await get<{ hits: Hit[] }>(`/v1/search?q=${encodeURIComponent(q)}&limit=20`);
      setHits(r.hits);
    } catch (err) {
      setError(describe(err));
    }
  }

  return (
    <>
      <h2 class="sr-only">Search</h2>
      <form class="search card" role="search" onSubmit={submit}>
        <label for="q" class="sr-only">Search your memories and files</label>
        <input id="q" type="search" placeholder="Search memories and files" value={q}
               onInput={(e) => setQ(e.currentTarget.value)} />
        <button type="submit" class="primary">Search</button>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {hits && (
        <section aria-live="polite" aria-label="Results">
          <p class="meta">{hits.length === 0 ? 'Nothing found.' : `${hits.length} found`}</p>
          <ul class="hits">
            {hits.map((h) => (
              <li class="card hit">
                <h3><span class="badge">{h.kind}</span> {h.title}</h3>
                <Snippet html={h.snippet} />
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
