/**
 * `/notices`, without signing in: the current and planned outage and works
 * notices, filterable by locality and street (the choices come from the
 * notices' own areas), for residents with or without an account.
 */
import { useMemo, useState } from 'react';
import { DataState, useApi } from '../../components/data.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { NoticeCard } from './NoticeCard.tsx';
import { SelectField } from '../../components/forms.tsx';
import type { NoticeItem } from './types.ts';

const key = (s: string) => s.trim().toLocaleLowerCase('pl').replace(/\s+/g, ' ').replace(/^(ul|al|os|pl)\.?\s+/, '');

export function matchesFilter(n: NoticeItem, locality: string, street: string): boolean {
  if (!locality || n.areas.length === 0) return true;
  return n.areas.some((a) => key(a.locality) === key(locality) && (!street || !a.street || key(a.street) === key(street)));
}

export default function PublicNotices() {
  const { t } = useLang();
  const notices = useApi<{ items: NoticeItem[] }>('/api/notices');
  const [locality, setLocality] = useState('');
  const [street, setStreet] = useState('');
  const localities = useMemo(() => [...new Set((notices.data?.items ?? []).flatMap((n) => n.areas.map((a) => a.locality)))].sort((a, b) => a.localeCompare(b, 'pl')), [notices.data]);
  const streets = useMemo(
    () =>
      [...new Set((notices.data?.items ?? []).flatMap((n) => n.areas.filter((a) => locality && key(a.locality) === key(locality) && a.street).map((a) => a.street!)))].sort((a, b) =>
        key(a).localeCompare(key(b), 'pl'),
      ),
    [notices.data, locality],
  );
  return (
    <Page title={t('notices.publicTitle')}>
      <p className="lead">{t('notices.publicLead')}</p>
      <DataState loaded={notices}>
        {(d) => {
          const shown = d.items.filter((n) => matchesFilter(n, locality, street));
          return (
            <>
              {d.items.length > 0 && (
                <div className="filters" role="search" aria-label={t('notices.filter')}>
                  <SelectField
                    label={t('notices.locality')}
                    name="locality"
                    value={locality}
                    onChange={(v) => {
                      setLocality(v);
                      setStreet('');
                    }}
                    options={[{ value: '', label: t('notices.allLocalities') }, ...localities.map((l) => ({ value: l, label: l }))]}
                  />
                  {locality && streets.length > 0 && (
                    <SelectField
                      label={t('notices.street')}
                      name="street"
                      value={street}
                      onChange={setStreet}
                      options={[{ value: '', label: t('notices.allStreets') }, ...streets.map((s) => ({ value: s, label: s }))]}
                    />
                  )}
                </div>
              )}
              <p role="status">{shown.length === 0 ? t('notices.none') : t('notices.count', { count: shown.length })}</p>
              {shown.map((n) => (
                <NoticeCard key={n.id} notice={n} />
              ))}
            </>
          );
        }}
      </DataState>
    </Page>
  );
}
