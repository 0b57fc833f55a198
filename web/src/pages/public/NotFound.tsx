import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { Link } from '../../router.tsx';

export default function NotFound() {
  const { t } = useLang();
  return (
    <Page title={t('notFound.title')}>
      <p>{t('notFound.text')}</p>
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
    </Page>
  );
}
