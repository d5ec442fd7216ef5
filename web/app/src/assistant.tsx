// The assistant: a question in text (it can look through the user's memories), and a
// spoken conversation where the browser has a microphone.
import { useEffect, useRef, useState } from 'preact/hooks';
import { call, describe } from './api';
import type { Book } from './book';
import { VoiceCall, type VoiceLine } from './voice';

const CONTEXT = 20;  // the most memory_ids a question may carry

export function Assistant({ voice, book }: { voice: boolean; book: Book }) {
  const [useMemories, setUseMemories] = useState(true);
  const [prompt, setPrompt] = useState('');
  const [reply, setReply] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [lines, setLines] = useState<VoiceLine[]>([]);
  const [talking, setTalking] = useState(false);
  const callRef = useRef<VoiceCall | null>(null);
  const canTalk = voice && !!navigator.mediaDevices?.getUserMedia && typeof AudioContext !== 'undefined';

  useEffect(() => () => callRef.current?.hangUp('left the page'), []);

  async function ask(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const ids = useMemories ? book.list().filter((m) => !m.pending).slice(0, CONTEXT).map((m) => m.id) : [];
      const a = await call<{ reply: string; cached: boolean }>('POST', '/v1/assistant', { prompt, memory_ids: ids });
      setReply(a.body.reply);
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  }

  function talk() {
    if (talking) { callRef.current?.end(); return; }
    setLines([]);
    setTalking(true);
    callRef.current = new VoiceCall((l) => setLines((old) => [...old, l]), (why) => {
      setTalking(false);
      callRef.current = null;
      if (why && why !== 'The conversation ended.') setError(why);
    });
  }

  return (
    <>
      <h2 class="sr-only">Assistant</h2>
      <form class="card" onSubmit={ask} aria-label="Ask the assistant">
        <label>Ask about your memories
          <textarea rows={3} value={prompt} required onInput={(e) => setPrompt(e.currentTarget.value)} /></label>
        <label class="check"><input type="checkbox" checked={useMemories}
          onChange={(e) => setUseMemories(e.currentTarget.checked)} /> Give it my {CONTEXT} latest memories</label>
        <div class="row">
          <button type="submit" class="primary" disabled={busy}>{busy ? 'Thinking…' : 'Ask'}</button>
          {canTalk && <button type="button" onClick={talk} aria-pressed={talking}>{talking ? 'Done talking' : 'Talk'}</button>}
        </div>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {reply && <section class="card reply" aria-live="polite" aria-labelledby="answer"><h3 id="answer">Answer</h3><p>{reply}</p></section>}
      {lines.length > 0 && (
        <ol class="card transcript" aria-live="polite" aria-label="Conversation">
          {lines.map((l) => <li class={l.who}><strong>{l.who === 'you' ? 'You' : 'Assistant'}:</strong> {l.text}</li>)}
        </ol>
      )}
    </>
  );
}
