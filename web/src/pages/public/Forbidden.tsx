import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { Link } from '../../router.tsx';

export default function Forbidden() {
  const { t } = useLang();
  return (
    <Page title={t('forbidden.title')}>
      <p>{t('forbidden.text')}</p>
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
    </Page>
  );
}
