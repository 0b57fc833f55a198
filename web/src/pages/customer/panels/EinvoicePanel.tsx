/** The Pulpit's e-invoice panel: the status, or the saving e-invoices would bring; links to the e-invoice page and the invoices. */
import { DataState, useApi } from '../../../components/data.tsx';
import { useLang } from '../../../i18n/index.ts';
import { formatMoney } from '../../../lib/format.ts';
import { Link } from '../../../router.tsx';
import { ConsentStatus } from '../../einvoice/parts.tsx';
import type { EinvoiceStatus } from '../../einvoice/types.ts';

export default function EinvoicePanel({ customerId }: { customerId: number }) {
  const { t, lang } = useLang();
  const status = useApi<EinvoiceStatus>(`/api/portal/customers/${customerId}/einvoice`);
  return (
    <section className="card" aria-labelledby={`einvoice-panel-${customerId}`}>
      <h3 id={`einvoice-panel-${customerId}`}>{t('einvoice.panelTitle')}</h3>
      <DataState loaded={status}>
        {(s) => (
          <>
            <ConsentStatus status={s} />
            {!s.consent && s.savings[0] && s.savings[0].savingGrossPerMonth > 0 && (
              <p className="saving-figure">{t('einvoice.panelOffer', { saving: formatMoney(s.savings[0].savingGrossPerMonth, lang) })}</p>
            )}
            <p className="doc-links">
              <Link to="/portal/einvoice">{s.consent ? t('einvoice.panelManage') : t('einvoice.panelLink')}</Link>
              <Link to="/portal/invoices">{t('einvoice.panelInvoices')}</Link>
            </p>
          </>
        )}
      </DataState>
    </section>
  );
}
