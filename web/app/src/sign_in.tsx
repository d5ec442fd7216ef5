// Sign up and sign in: email and password, or Firebase's email sign-in when the server
// has it (its public web config comes from /v1/features).
import { useState } from 'preact/hooks';
import { call, describe, type Features, type User } from './api';
import type { Session } from './main';

type Mode = 'sign-in' | 'sign-up' | 'firebase';

async function firebaseIdToken(web: NonNullable<Features['sign_in']['firebase_web']>,
                               email: string, password: string): Promise<string> {
  const url = `${web.identity_url}/v1/accounts:signInWithPassword?key=${encodeURIComponent(web.api_key)}`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password, returnSecureToken: true }),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`Firebase refused the sign-in: ${body?.error?.message ?? response.status}`);
  return body.idToken;
}

export function SignIn({ features, onSignedIn }: { features: Features; onSignedIn: (s: Session) => void }) {
  const [mode, setMode] = useState<Mode>('sign-in');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const firebase = features.sign_in.firebase_web;

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      let answer;
      if (mode === 'sign-up') answer = await call<{ user: User; token: string }>('POST', '/v1/accounts', { email, password });
      else if (mode === 'firebase' && firebase)
        answer = await call<{ user: User; token: string }>('POST', '/v1/sessions',
                                                          { firebase_id_token: await firebaseIdToken(firebase, email, password) });
      else answer = await call<{ user: User; token: string }>('POST', '/v1/sessions', { email, password });
      onSignedIn({ token: answer.body.token, user: answer.body.user });
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  }

  const titles: Record<Mode, string> = { 'sign-in': 'Sign in', 'sign-up': 'Create an account', firebase: 'Sign in with Firebase' };
  return (
    <main class="center">
      <form class="card sign-in" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">MindMe</h1>
        <div role="tablist" class="tabs" aria-label="How to sign in">
          {(['sign-in', 'sign-up', ...(firebase ? ['firebase'] : [])] as Mode[]).map((m) => (
            <button type="button" role="tab" aria-selected={mode === m} class={mode === m ? 'active' : ''}
                    onClick={() => { setMode(m); setError(''); }}>{titles[m]}</button>
          ))}
        </div>
        <label>Email
          <input type="email" name="email" autocomplete="email" required value={email}
                 onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>Password
          <input type="password" name="password" required minLength={8} maxLength={256}
                 autocomplete={mode === 'sign-up' ? 'new-password' : 'current-password'} value={password}
                 onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" class="primary" disabled={busy}>{titles[mode]}</button>
      </form>
    </main>
  );
}
