/** One notice as the public page and the Pulpit show it: kind, title, when, where, what. */
import { useLang } from '../../i18n/index.ts';
import { formatDateTime } from '../../lib/format.ts';
import type { NoticeItem } from './types.ts';
import './notices.css';

export function NoticeCard({ notice, addresses, headingLevel = 2 }: { notice: NoticeItem; addresses?: string[]; headingLevel?: 2 | 3 }) {
  const { t, lang } = useLang();
  const H = headingLevel === 2 ? 'h2' : 'h3';
  const started = Date.parse(notice.startsAt) <= Date.now();
  return (
    <article className={`notice-card notice-${notice.kind}`} aria-labelledby={`notice-${notice.id}`}>
      <p className="notice-kind">
        {t(`notices.kind.${notice.kind}`)}
        {!started && <span className="notice-planned"> · {t('notices.planned')}</span>}
      </p>
      <H id={`notice-${notice.id}`}>{notice.title}</H>
      <p className="notice-when">
        {notice.endsAt
          ? t('notices.fromTo', { from: formatDateTime(notice.startsAt, lang), to: formatDateTime(notice.endsAt, lang) })
          : t('notices.fromUntilFurther', { from: formatDateTime(notice.startsAt, lang) })}
      </p>
      {addresses && addresses.length > 0 && (
        <p className="notice-mine">
          <strong>{t('notices.concernsYou')}</strong> {addresses.join('; ')}
        </p>
      )}
      {notice.areaText.length > 0 && (
        <p className="notice-area">
          {t('notices.area')}: {notice.areaText.join('; ')}
        </p>
      )}
      {notice.body && <p className="notice-body">{notice.body}</p>}
    </article>
  );
}
