import { DataTable, Load, MoneyText } from '../../components/status';
import { API } from '../../lib/api';
import { useT } from '../../lib/i18n';
import { hrefOf, navigate } from '../../lib/route';
import { useApi } from '../../lib/session';
import type { Alarm, Batch } from '../../lib/types';
import { useLoad } from '../../lib/use-load';

export const BATCH_STATUSES = [
  'open',
  'closed',
  'settlement_recorded',
  'reserved',
  'committed',
  'settling',
  'settled',
  'disputed',
] as const;

export function BatchList({ status }: { status: string | null }) {
  const t = useT();
  const api = useApi();
  const query = status ? `?status=${status}&limit=100` : '?limit=100';
  const { loaded } = useLoad(
    () => api.get<{ items: Batch[] }>(`${API.settlement}/settlement-batches${query}`),
    [query],
  );
  return (
    <>
      <h2>{t('batches.title')}</h2>
      <label htmlFor="batch-status">{t('batches.filter')}</label>{' '}
      <select
        id="batch-status"
        value={status ?? ''}
        onChange={(e) => navigate('treasurer', e.target.value ? { tab: 'batches', status: e.target.value } : { tab: 'batches' })}
      >
        <option value="">{t('batches.all')}</option>
        {BATCH_STATUSES.map((s) => (
          <option key={s} value={s}>
            {t(`batch.${s}`)}
          </option>
        ))}
      </select>
      <Load loaded={loaded} what={t('batches.loading')}>
        {({ items }) => (
          <DataTable
            caption={t('batches.caption')}
            testId="batches"
            rows={items}
            rowKey={(b) => b.batchId}
            columns={[
              {
                header: t('batch'),
                cell: (b) => <a href={hrefOf('treasurer', { tab: 'batches', batch: b.batchId })}>{b.batchId}</a>,
              },
              { header: t('status'), cell: (b) => <span className={`badge ${b.status}`}>{t(`batch.${b.status}`)}</span> },
              { header: t('batch.model'), cell: (b) => b.model },
              { header: t('batch.window'), cell: (b) => `${b.windowStart} – ${b.windowEnd}` },
              { header: t('batch.transfers'), cell: (b) => b.transferCount, numeric: true },
              { header: t('total'), cell: (b) => <MoneyText value={b.total} />, numeric: true },
            ]}
          />
        )}
      </Load>
    </>
  );
}

export function Alarms() {
  const t = useT();
  const api = useApi();
  const { loaded } = useLoad(() => api.get<{ items: Alarm[] }>(`${API.settlement}/alarms`), []);
  return (
    <>
      <h2>{t('alarms.title')}</h2>
      <p>{t('alarms.explain')}</p>
      <Load loaded={loaded} what={t('alarms.loading')}>
        {({ items }) => (
          <DataTable
            caption={t('alarms.title')}
            testId="alarms"
            rows={items}
            rowKey={(a) => `${a.coopId}-${a.currency}`}
            columns={[
              { header: t('coop'), cell: (a) => a.coopId },
              { header: t('alarms.raisedAt'), cell: (a) => a.raisedAt },
              { header: t('alarms.position'), cell: (a) => <MoneyText value={a.position} />, numeric: true },
              { header: t('alarms.cap'), cell: (a) => <MoneyText value={a.netDebitCap} />, numeric: true },
            ]}
          />
        )}
      </Load>
    </>
  );
}
