import { useState } from 'react';
import { LanguageContext, LANGUAGES, storedLanguage, storeLanguage, translator, type Language } from './lib/i18n';
import { storedSession, storeSession, SessionContext, type Role, type Session } from './lib/session';
import { hrefOf, navigate, useRoute } from './lib/route';
import { PublicPage } from './pages/PublicPage';
import { SignIn } from './pages/SignIn';
import { Dashboard } from './pages/Dashboard';
import { TreasurerDesk } from './pages/TreasurerDesk';
import { AuditorView } from './pages/AuditorView';
import { CoopView } from './pages/CoopView';

type Screen = 'dashboard' | 'treasurer' | 'auditor' | 'coop';

/** Which screens each role works in (the APIs refuse the rest anyway). */
const SCREENS: Record<Role, readonly Screen[]> = {
  admin: ['dashboard', 'treasurer', 'auditor', 'coop'],
  treasurer: ['dashboard', 'treasurer', 'coop'],
  auditor: ['dashboard', 'auditor', 'coop'],
  coop: ['dashboard', 'coop'],
};

export function App() {
  const [language, setLanguage] = useState<Language>(storedLanguage);
  const [session, setSession] = useState<Session | null>(storedSession);
  const route = useRoute();
  const t = translator(language);

  const changeLanguage = (next: Language) => {
    storeLanguage(next);
    document.documentElement.lang = next;
    setLanguage(next);
  };
  const signedIn = (next: Session) => {
    storeSession(next);
    setSession(next);
    navigate(next.role === 'coop' ? 'coop' : 'dashboard');
  };
  const signOut = () => {
    storeSession(null);
    setSession(null);
    navigate('public');
  };

  const allowed = session ? SCREENS[session.role] : [];
  const screen = allowed.find((s) => s === route.screen);
  let main;
  if (route.screen === 'signin' || (!session && route.screen !== 'public' && route.screen !== '')) {
    main = <SignIn onSignedIn={signedIn} />;
  } else if (!session || !screen) {
    main = <PublicPage />;
  } else {
    main = {
      dashboard: <Dashboard params={route.params} />,
      treasurer: <TreasurerDesk params={route.params} />,
      auditor: <AuditorView params={route.params} />,
      coop: <CoopView params={route.params} />,
    }[screen];
  }
  const current = route.screen === '' ? 'public' : route.screen;

  return (
    <LanguageContext.Provider value={language}>
      <SessionContext.Provider value={session}>
        <a className="skip" href="#main-content" onClick={(e) => {
          e.preventDefault();
          document.getElementById('main-content')?.focus();
        }}>
          {t('skipToContent')}
        </a>
        <header className="top">
          <span className="brand">kopfed</span>
          <nav aria-label={t('navigation')}>
            <ul>
              <li>
                <a href={hrefOf('public')} aria-current={current === 'public' ? 'page' : undefined}>
                  {t('screen.public')}
                </a>
              </li>
              {allowed.map((s) => (
                <li key={s}>
                  <a href={hrefOf(s)} aria-current={current === s ? 'page' : undefined}>
                    {t(`screen.${s}`)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <div className="top-actions">
            <label>
              <span className="visually-hidden">{t('language')}</span>
              <select
                value={language}
                onChange={(e) => changeLanguage(e.target.value as Language)}
                aria-label={t('language')}
              >
                {LANGUAGES.map((l) => (
                  <option key={l.code} value={l.code}>
                    {l.name}
                  </option>
                ))}
              </select>
            </label>
            {session ? (
              <>
                <span className="who" data-testid="who">
                  {t(`role.${session.role}`)} · {session.coopId}
                </span>
                <button type="button" onClick={signOut}>
                  {t('signOut')}
                </button>
              </>
            ) : (
              <a className="button" href={hrefOf('signin')}>
                {t('signIn')}
              </a>
            )}
          </div>
        </header>
        <main id="main-content" tabIndex={-1}>
          {main}
        </main>
      </SessionContext.Provider>
    </LanguageContext.Provider>
  );
}
