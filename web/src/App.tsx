/**
 * The shell: providers, the page frame (skip link, header with the
 * utility's branding, menu, language switch, main, footer) and the route
 * guard that sends each user where they may go.
 */
import { Suspense, useEffect, useState } from 'react';
import { homeOf, mayAccess } from './access.ts';
import { BrandingProvider, Logo, useUtility } from './branding.tsx';
import { LANGUAGES, setLanguage, useLang } from './i18n/index.ts';
import { navFor } from './nav.ts';
import { CustomerSwitcher } from './components/CustomerSwitcher.tsx';
import { Link, NavLink, Redirect, RouterProvider, matchPath, navigate, useLocation } from './router.tsx';
import { routes } from './routes.tsx';
import { SessionProvider, useSession } from './session.tsx';
import NotFound from './pages/public/NotFound.tsx';
import Forbidden from './pages/public/Forbidden.tsx';

export function App() {
  return (
    <RouterProvider>
      <BrandingProvider>
        <SessionProvider>
          <Shell />
        </SessionProvider>
      </BrandingProvider>
    </RouterProvider>
  );
}

function Shell() {
  const { t } = useLang();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('shell.skipToContent')}
      </a>
      <Header />
      <main id="main" tabIndex={-1}>
        <Routed />
      </main>
      <Footer />
    </>
  );
}

function Routed() {
  const { path } = useLocation();
  const { user, loaded } = useSession();
  const { t } = useLang();
  if (!loaded)
    return (
      <p className="loading" role="status">
        {t('common.loading')}
      </p>
    );
  let params: Record<string, string> | undefined;
  const route = routes.find((r) => (params = matchPath(r.path, path)));
  if (!route || !params) return <NotFound />;
  if (!mayAccess(route.access, user)) {
    if (!user || user.mfaPending) return <Redirect to={`/login?next=${encodeURIComponent(path)}`} />;
    if (user.mustChangePassword) return <Redirect to="/change-password" />;
    return <Forbidden />;
  }
  // New portal terms come before anything else a signed-in customer opens (public pages stay open).
  if (user?.termsToAccept && user.kind === 'customer' && !user.mustChangePassword && route.access !== 'public' && route.path !== '/accept-terms') {
    return <Redirect to={`/accept-terms?next=${encodeURIComponent(path)}`} />;
  }
  const PageComponent = route.page;
  return (
    <Suspense
      fallback={
        <p className="loading" role="status">
          {t('common.loading')}
        </p>
      }
    >
      <PageComponent key={path} params={params} />
    </Suspense>
  );
}

function Header() {
  const { t } = useLang();
  const utility = useUtility();
  const { user, logout } = useSession();
  const { path } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [path]);
  const signedIn = !!user && !user.mfaPending && !user.mustChangePassword;
  const groups = signedIn ? navFor(user.kind).map((g) => ({ ...g, items: g.items.filter((i) => mayAccess(i.access, user)) })).filter((g) => g.items.length) : [];

  const doLogout = async () => {
    await logout();
    navigate('/login?loggedOut=1');
  };

  return (
    <header className={menuOpen ? 'site-header menu-open' : 'site-header'}>
      <div className="header-bar">
        <Link to={homeOf(user)} className="brand">
          {utility && <Logo utility={utility} />}
          <span className="brand-name">{utility?.shortName ?? 'Wodnik'}</span>
          <span className="brand-sub">{user?.kind === 'staff' ? t('shell.backOffice') : t('shell.portal')}</span>
        </Link>
        {user && !user.mfaPending && (
          <ul id="site-account" className="account-menu" aria-label={t('shell.account')}>
            <li className="user-name">{user.name || user.email}</li>
            {signedIn && user.kind === 'customer' && <CustomerSwitcher />}
            {user.kind === 'staff' && signedIn && (
              <li>
                <NavLink to="/staff/security">{t('nav.security')}</NavLink>
              </li>
            )}
            {signedIn && (
              <li>
                <NavLink to="/change-password">{t('nav.changePassword')}</NavLink>
              </li>
            )}
            <li>
              <button type="button" className="button-link" onClick={doLogout}>
                {t('shell.logout')}
              </button>
            </li>
          </ul>
        )}
        <div className="header-tools">
          <LanguageSwitch />
          {user && !user.mfaPending && (
            <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="site-nav site-account" onClick={() => setMenuOpen((o) => !o)}>
              {t('shell.menu')}
            </button>
          )}
        </div>
      </div>
      {groups.length > 0 && (
        <nav id="site-nav" aria-label={t('shell.mainMenu')} className="site-nav">
          {groups.map((g) => (
            <ul key={g.label} aria-label={t(g.label)}>
              {g.items.map((i) => (
                <li key={i.to}>
                  <NavLink to={i.to} exact={i.exact}>
                    {t(i.label)}
                  </NavLink>
                </li>
              ))}
            </ul>
          ))}
        </nav>
      )}
    </header>
  );
}

function LanguageSwitch() {
  const { t, lang } = useLang();
  return (
    <div className="lang-switch" role="group" aria-label={t('shell.language')}>
      {LANGUAGES.map((l) => (
        <button key={l} type="button" lang={l} aria-pressed={lang === l} onClick={() => setLanguage(l)}>
          {l === 'pl' ? 'Polski' : 'English'}
        </button>
      ))}
    </div>
  );
}

function Footer() {
  const { t } = useLang();
  const utility = useUtility();
  return (
    <footer className="site-footer">
      {utility && (
        <address>
          <strong>{utility.name}</strong>
          <br />
          {utility.street}, {utility.postalCode} {utility.city}
          {utility.phone && (
            <>
              <br />
              {t('shell.phone')}: <a href={`tel:${utility.phone.replace(/\s/g, '')}`}>{utility.phone}</a>
            </>
          )}
          {utility.email && (
            <>
              {' · '}
              {t('shell.email')}: <a href={`mailto:${utility.email}`}>{utility.email}</a>
            </>
          )}
        </address>
      )}
      <p className="powered">
        <Link to="/dostepnosc">{t('a11y.footerLink')}</Link> · {t('shell.poweredBy')}
      </p>
    </footer>
  );
}
