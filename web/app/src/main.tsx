import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { get, setToken, whenUnauthorized, call, type Features, type User } from './api';
import { SignIn } from './sign_in';
import { Home } from './home';
import './style.css';

export interface Session { token: string; user: User }

const SESSION = 'mindme.session';

function App() {
  const [features, setFeatures] = useState<Features | null>(null);
  const [problem, setProblem] = useState('');
  const [session, setSession] = useState<Session | null>(() => {
    const saved = localStorage.getItem(SESSION);
    const s = saved ? (JSON.parse(saved) as Session) : null;
    setToken(s?.token ?? null);
    return s;
  });

  useEffect(() => {
    get<Features>('/v1/features').then(setFeatures, () => setProblem('The server cannot be reached.'));
    whenUnauthorized(() => signedIn(null));
  }, []);

  function signedIn(s: Session | null) {
    setToken(s?.token ?? null);
    if (s) localStorage.setItem(SESSION, JSON.stringify(s));
    else localStorage.removeItem(SESSION);
    setSession(s);
  }

  async function signOut() {
    await call('DELETE', '/v1/sessions/current').catch(() => {});  // gone already is fine
    signedIn(null);
  }

  if (!features)
    return <main class="center"><p role="status">{problem || 'Loading MindMe…'}</p></main>;
  if (!session) return <SignIn features={features} onSignedIn={signedIn} />;
  return <Home key={session.user.id} session={session} features={features} onSignOut={signOut} />;
}

render(<App />, document.getElementById('root')!);
