import { useState, type FormEvent } from 'react';
import { DataTable, Load, MoneyText } from '../../components/status';
import { API, enc, type Api } from '../../lib/api';
import { useT } from '../../lib/i18n';
import type { Money } from '../../lib/money';
import { navigate } from '../../lib/route';
import { useApi } from '../../lib/session';
import type { Batch, Positions } from '../../lib/types';
import { useLoad } from '../../lib/use-load';

/** How many of the latest batches the history reads (one positions request each). */
const HISTORY_BATCHES = 50;

interface HistoryRow {
  batchId: string;
  status: string;
  windowEnd: string;
  debits: Money;
  credits: Money;
  net: Money;
}

async function historyOf(api: Api, coopId: string) {
  const { items } = await api.get<{ items: Batch[] }>(`${API.settlement}/settlement-batches?limit=${HISTORY_BATCHES}`);
  const rows: HistoryRow[] = [];
  for (const batch of items) {
    const p = await api.get<Positions>(`${API.settlement}/settlement-batches/${enc(batch.batchId)}/positions`);
    const mine = p.positions.find((x) => x.coopId === coopId);
    if (mine) rows.push({ batchId: batch.batchId, status: batch.status, windowEnd: batch.windowEnd, ...mine });
  }
  const limits = await api.get<{ currencies: { currency: string; netDebit: Money; netDebitCap: Money | null }[] }>(
    `${API.settlement}/coops/${enc(coopId)}/limits`,
  );
  return { rows: rows.sort((a, b) => a.windowEnd.localeCompare(b.windowEnd)), limits };
}

/** A coop's net position batch by batch, and its limits now. */
export function PositionHistory({ coopId }: { coopId: string | null }) {
  const t = useT();
  const api = useApi();
  const [draft, setDraft] = useState(coopId ?? '');
  const { loaded } = useLoad(() => (coopId ? historyOf(api, coopId) : Promise.resolve(null)), [coopId]);
  const show = (event: FormEvent) => {
    event.preventDefault();
    navigate('treasurer', { tab: 'history', coop: draft.trim() });
  };
  return (
    <>
      <h2>{t('history.title')}</h2>
      <form className="inline" onSubmit={show}>
        <label htmlFor="history-coop">{t('coopId')}</label>
        <input id="history-coop" required value={draft} onChange={(e) => setDraft(e.target.value)} />
        <button type="submit">{t('show')}</button>
      </form>
      {coopId && (
        <Load loaded={loaded} what={t('history.loading')}>
          {(data) =>
            data && (
              <>
                <DataTable
                  caption={t('history.limits')}
                  rows={data.limits.currencies}
                  rowKey={(c) => c.currency}
                  columns={[
                    { header: t('currency'), cell: (c) => c.currency },
                    { header: t('history.netDebit'), cell: (c) => <MoneyText value={c.netDebit} />, numeric: true },
                    {
                      header: t('alarms.cap'),
                      cell: (c) => (c.netDebitCap ? <MoneyText value={c.netDebitCap} /> : '—'),
                      numeric: true,
                    },
                  ]}
                />
                <DataTable
                  caption={t('history.caption')}
                  testId="position-history"
                  rows={data.rows}
                  rowKey={(r) => r.batchId}
                  columns={[
                    { header: t('batch'), cell: (r) => r.batchId },
                    { header: t('status'), cell: (r) => t(`batch.${r.status}`) },
                    { header: t('batch.windowEnd'), cell: (r) => r.windowEnd },
                    { header: t('positions.debits'), cell: (r) => <MoneyText value={r.debits} />, numeric: true },
                    { header: t('positions.credits'), cell: (r) => <MoneyText value={r.credits} />, numeric: true },
                    { header: t('positions.net'), cell: (r) => <MoneyText value={r.net} />, numeric: true },
                  ]}
                />
              </>
            )
          }
        </Load>
      )}
    </>
  );
}
