import { useState, type FormEvent } from 'react';
import { LoanFigures } from '../components/LoanFigures';
import { AmountChart, CountChart, TrendChart } from '../components/charts';
import { DataTable, Figure, Load, MoneyText } from '../components/status';
import { API, enc, type Api } from '../lib/api';
import { useT } from '../lib/i18n';
import { formatRupiah, millionsForChart, sumAmounts } from '../lib/money';
import { provinceName } from '../lib/provinces';
import { navigate } from '../lib/route';
import { useApi, useSession } from '../lib/session';
import type { Portfolio, SavingsTotals, Statistics } from '../lib/types';
import { useLoad } from '../lib/use-load';

const TREND_MONTHS = 6;

/** The last day of each of the last months, oldest first (statistics are asked as of it). */
export function monthEnds(today: string, months: number): string[] {
  const [year, month] = today.split('-').map(Number) as [number, number];
  const ends: string[] = [];
  for (let back = months - 1; back >= 0; back--) {
    const first = new Date(Date.UTC(year, month - 1 - back + 1, 1));
    const last = new Date(first.getTime() - 86_400_000);
    const end = back === 0 ? today : last.toISOString().slice(0, 10);
    ends.push(end);
  }
  return ends;
}

interface DashboardData {
  stats: Statistics;
  portfolio: Portfolio;
  savings: { productCode: string; accounts: number; balance: string }[];
  trend: { month: string; members: number; coops: number }[];
}

async function loadDashboard(api: Api, coopId: string, consolidated: boolean): Promise<DashboardData> {
  const [stats, portfolio] = await Promise.all([
    api.get<Statistics>(`${API.member}/coops/${enc(coopId)}/statistics`),
    api.get<Portfolio>(`${API.loan}/coops/${enc(coopId)}/portfolio?consolidated=${consolidated}`),
  ]);
  const coops = consolidated ? portfolio.coopIds : [coopId];
  const totals = await Promise.all(
    coops.map((c) => api.get<SavingsTotals>(`${API.savings}/coops/${enc(c)}/totals`)),
  );
  const byProduct = new Map<string, { accounts: number; balances: string[] }>();
  for (const product of totals.flatMap((t) => t.products)) {
    const entry = byProduct.get(product.productCode) ?? { accounts: 0, balances: [] };
    entry.accounts += product.accounts;
    entry.balances.push(product.balance.amount);
    byProduct.set(product.productCode, entry);
  }
  const savings = [...byProduct].map(([productCode, e]) => ({
    productCode,
    accounts: e.accounts,
    balance: sumAmounts(e.balances),
  }));
  // The node's business date (Jakarta), not the browser's clock: statistics refuse a later date.
  const ends = monthEnds(stats.asOf, TREND_MONTHS);
  const history = await Promise.all(
    ends.map((asOf) =>
      api.get<Statistics>(`${API.member}/coops/${enc(coopId)}/statistics?asOf=${asOf}`),
    ),
  );
  const trend = history.map((s, i) => ({
    month: ends[i]!.slice(0, 7),
    members: s.members.total,
    coops: s.coops.total,
  }));
  return { stats, portfolio, savings, trend };
}

/** The ministry's command center: a coop's subtree (consolidated) or one coop. */
export function Dashboard({ params }: { params: URLSearchParams }) {
  const t = useT();
  const api = useApi();
  const session = useSession();
  const coopId = params.get('coop') ?? session.coopId;
  const consolidated = params.get('consolidated') !== 'false';
  const [draft, setDraft] = useState(coopId);
  const { loaded } = useLoad(() => loadDashboard(api, coopId, consolidated), [coopId, consolidated]);

  const show = (event: FormEvent) => {
    event.preventDefault();
    navigate('dashboard', { coop: draft.trim(), consolidated: String(consolidated) });
  };

  return (
    <section>
      <h1>{t('dashboard.title')}</h1>
      <form className="inline" onSubmit={show}>
        <label htmlFor="dash-coop">{t('coopId')}</label>
        <input id="dash-coop" value={draft} onChange={(e) => setDraft(e.target.value)} />
        <label className="check">
          <input
            type="checkbox"
            checked={consolidated}
            onChange={(e) =>
              navigate('dashboard', { coop: coopId, consolidated: String(e.target.checked) })
            }
          />
          {t('dashboard.consolidated')}
        </label>
        <button type="submit">{t('show')}</button>
      </form>
      <Load loaded={loaded} what={t('dashboard.loading')}>
        {({ stats, portfolio, savings, trend }) => (
          <>
            <p className="as-of">
              {consolidated ? t('dashboard.scopeSubtree') : t('dashboard.scopeOne')} <strong>{coopId}</strong> ·{' '}
              {t('asOf')} {stats.asOf}
            </p>
            <div className="figures">
              <Figure label={t('coops')} value={stats.coops.total} testId="dash-coops" />
              <Figure label={t('members')} value={stats.members.total} testId="dash-members" />
              <LoanFigures portfolio={portfolio} testIds="dash" />
              <Figure label={t('provision')} value={<MoneyText value={portfolio.provisionRequired} />} />
              <Figure
                label={t('rat.compliance')}
                value={`${stats.rat.compliant} / ${stats.rat.activeCoops}`}
                testId="dash-rat"
              />
            </div>
            <p className={portfolio.healthy ? 'ok' : 'warn'}>
              {portfolio.healthy ? t('npl.healthy') : t('npl.unhealthy')}
            </p>
            <div className="charts">
              <CountChart title={t('coopsByKind')} counts={stats.coops.byKind} labelOf={(k) => t(`kind.${k}`)} />
              <CountChart title={t('coopsByStatus')} counts={stats.coops.byStatus} labelOf={(k) => t(`status.${k}`)} />
              <CountChart title={t('coopsByProvince')} counts={stats.coops.byProvince} labelOf={provinceName} />
              <CountChart title={t('membersByProvince')} counts={stats.members.byProvince} labelOf={provinceName} />
              <CountChart title={t('membersByGender')} counts={stats.members.byGender} labelOf={(k) => t(`gender.${k}`)} />
              <CountChart title={t('membersByAgeBand')} counts={stats.members.byAgeBand} />
              <AmountChart
                title={t('savingsByProduct')}
                seriesName={t('millionRupiah')}
                rows={savings.map((s) => ({
                  label: s.productCode,
                  millions: millionsForChart(s.balance),
                  exact: formatRupiah(s.balance),
                }))}
              />
              <AmountChart
                title={t('loansByKolektibilitas')}
                seriesName={t('millionRupiah')}
                rows={portfolio.byKolektibilitas.map((k) => ({
                  label: k.kolektibilitas,
                  millions: millionsForChart(k.outstandingPrincipal.amount),
                  exact: formatRupiah(k.outstandingPrincipal.amount),
                }))}
              />
              <TrendChart
                title={t('trend.title')}
                points={trend}
                series={[
                  { key: 'members', name: t('members') },
                  { key: 'coops', name: t('coops') },
                ]}
              />
            </div>
            <DataTable
              caption={t('loansByKolektibilitas')}
              testId="kolektibilitas-table"
              rows={portfolio.byKolektibilitas}
              rowKey={(k) => k.kolektibilitas}
              columns={[
                { header: t('kolektibilitas'), cell: (k) => k.kolektibilitas },
                { header: t('loans'), cell: (k) => k.loans, numeric: true },
                { header: t('loans.outstanding'), cell: (k) => <MoneyText value={k.outstandingPrincipal} />, numeric: true },
                { header: t('provision'), cell: (k) => <MoneyText value={k.provision} />, numeric: true },
              ]}
            />
            <DataTable
              caption={t('savingsByProduct')}
              testId="savings-table"
              rows={savings}
              rowKey={(s) => s.productCode}
              columns={[
                { header: t('product'), cell: (s) => s.productCode },
                { header: t('accounts'), cell: (s) => s.accounts, numeric: true },
                { header: t('balance'), cell: (s) => <MoneyText value={s.balance} />, numeric: true },
              ]}
            />
            <DataTable
              caption={t('loansByCoop')}
              rows={portfolio.byCoop}
              rowKey={(c) => c.coopId}
              columns={[
                { header: t('coop'), cell: (c) => c.coopId },
                { header: t('loans'), cell: (c) => c.loans, numeric: true },
                { header: t('loans.outstanding'), cell: (c) => <MoneyText value={c.outstandingPrincipal} />, numeric: true },
                { header: t('npl'), cell: (c) => <MoneyText value={c.nplOutstanding} />, numeric: true },
                { header: t('provision'), cell: (c) => <MoneyText value={c.provision} />, numeric: true },
              ]}
            />
          </>
        )}
      </Load>
    </section>
  );
}
