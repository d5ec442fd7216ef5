// Files: upload with progress, the list with each file's state as processing moves it on
// (file.ready / file.failed from the live socket), and thumbnails of images.
import { useEffect, useState } from 'preact/hooks';
import { blobUrl, describe, get, upload, type FileMeta } from './api';
import type { Hub } from './home';

interface Sending { key: number; name: string; fraction: number; error?: string }
let sends = 0;

function size(n: number) {
  return n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / (1 << 20)).toFixed(1)} MiB`;
}

function Thumbnail({ file }: { file: FileMeta }) {
  const [src, setSrc] = useState('');
  useEffect(() => {
    if (!file.derived?.thumbnail) return;
    let url = '';
    blobUrl(`/v1/files/${encodeURIComponent(file.id)}/thumbnail`).then((u) => { url = u; setSrc(u); }, () => {});
    return () => { if (url) URL.revokeObjectURL(url); };
  }, [file.id, file.derived?.thumbnail]);
  return src ? <img class="thumb" src={src} alt={`Thumbnail of ${file.name}`} /> : <span class="thumb none" aria-hidden="true" />;
}

export function Files({ hub }: { hub: Hub }) {
  const [files, setFiles] = useState<FileMeta[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [sending, setSending] = useState<Sending[]>([]);
  const [error, setError] = useState('');

  async function page(after: string | null) {
    try {
      const r = await get<{ items: FileMeta[]; next_cursor: string | null }>(
        `/v1/files?limit=50${after ? `&cursor=${encodeURIComponent(after)}` : ''}`);
      setFiles((old) => (after ? [...old, ...r.items] : r.items));
      setCursor(r.next_cursor);
    } catch (e) {
      setError(describe(e));
    }
  }

  async function refresh(id: string) {
    const f = await get<{ file: FileMeta }>(`/v1/files/${encodeURIComponent(id)}`).then((r) => r.file, () => null);
    if (f) setFiles((old) => [f, ...old.filter((x) => x.id !== id)]);
  }

  useEffect(() => {
    page(null);
    return hub.on((e) => { if (e.type.startsWith('file.') && e.id) refresh(e.id); });
  }, [hub]);

  async function send(list: FileList | null) {
    for (const file of Array.from(list ?? [])) {
      const key = ++sends;
      setSending((s) => [...s, { key, name: file.name, fraction: 0 }]);
      const update = (patch: Partial<Sending>) =>
        setSending((s) => s.map((x) => (x.key === key ? { ...x, ...patch } : x)));
      try {
        const meta = await upload(file, (fraction) => update({ fraction }));
        setSending((s) => s.filter((x) => x.key !== key));
        setFiles((old) => [meta, ...old.filter((x) => x.id !== meta.id)]);
        refresh(meta.id);  // it may be ready already
      } catch (e) {
        update({ error: describe(e) });
      }
    }
  }

  return (
    <>
      <h2 class="sr-only">Files</h2>
      <div class="card upload" onDragOver={(e) => e.preventDefault()}
           onDrop={(e) => { e.preventDefault(); send(e.dataTransfer?.files ?? null); }}>
        <label>Upload files (images, PDF, text)
          <input type="file" multiple onChange={(e) => send(e.currentTarget.files)} />
        </label>
        {sending.map((s) => (
          <div class="sending" key={s.key}>
            <span>{s.name}</span>
            {s.error ? <span class="error" role="alert">{s.error}</span>
              : <progress max={1} value={s.fraction} aria-label={`Uploading ${s.name}`} />}
          </div>
        ))}
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      <ul class="files" aria-label="Your files">
        {files.map((f) => (
          <li class="card file" key={f.id} aria-label={f.name}>
            <Thumbnail file={f} />
            <div>
              <p class="title">{f.name}</p>
              <p class="meta">{size(f.size)} · <span class={`state ${f.status}`}>{f.status}</span>
                {f.error && ` — ${f.error}`}</p>
            </div>
          </li>
        ))}
      </ul>
      {files.length === 0 && <p class="empty">No files yet.</p>}
      {cursor && <button type="button" onClick={() => page(cursor)}>Load more</button>}
    </>
  );
}
