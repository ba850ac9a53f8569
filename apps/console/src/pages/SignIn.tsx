import { useState, type FormEvent } from 'react';
import { ProblemView } from '../components/status';
import type { Problem } from '../lib/api';
import { useT } from '../lib/i18n';
import { signIn, type Session } from '../lib/session';
import { asProblem } from '../lib/use-load';

export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const t = useT();
  const [apiKey, setApiKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    signIn(apiKey.trim()).then(onSignedIn, (error: unknown) => {
      setProblem(asProblem(error));
      setBusy(false);
    });
  };

  return (
    <section className="narrow">
      <h1>{t('signIn.title')}</h1>
      <p>{t('signIn.explain')}</p>
      <form onSubmit={submit}>
        <label htmlFor="api-key">{t('signIn.apiKey')}</label>
        <input
          id="api-key"
          name="apiKey"
          type="password"
          autoComplete="off"
          required
          value={apiKey}
          onChange={(e) => setApiKey(e.target.value)}
          placeholder="kpf_…"
        />
        <button type="submit" disabled={busy}>
          {busy ? t('signIn.checking') : t('signIn')}
        </button>
      </form>
      {problem && <ProblemView problem={problem} />}
    </section>
  );
}
