import { DataTable, Figure, Load, MoneyText } from '../components/status';
import { LoanFigures } from '../components/LoanFigures';
import { AmountChart, CountChart } from '../components/charts';
import { API, createApi } from '../lib/api';
import { useT } from '../lib/i18n';
import { formatRupiah, millionsForChart } from '../lib/money';
import type { PublicCoopDirectory, PublicPortfolio, PublicSavingsTotals, Statistics } from '../lib/types';
import { useLoad } from '../lib/use-load';
import { provinceName } from '../lib/provinces';

/** Every page of the public coop directory (it is paged by coop id). */
async function allCoops(): Promise<PublicCoopDirectory['coops']> {
  const api = createApi(null);
  const coops: PublicCoopDirectory['coops'] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page: PublicCoopDirectory = await api.get<PublicCoopDirectory>(
      `${API.member}/public/coops?limit=1000${query}`,
    );
    coops.push(...page.coops);
    cursor = page.nextCursor;
  } while (cursor);
  return coops;
}

/**
 * The transparency page: the federation's aggregate figures — coops, members, savings, loans,
 * NPL ratio, RAT compliance — and the directory of its coops. Sums and legal entities only:
 * no names of people, no NIK, no account, nothing personal.
 */
export function PublicPage() {
  const t = useT();
  const { loaded } = useLoad(async () => {
    const api = createApi(null);
    const [stats, savings, portfolio, coops] = await Promise.all([
      api.get<Statistics>(`${API.member}/public/statistics`),
      api.get<PublicSavingsTotals>(`${API.savings}/public/totals`),
      api.get<PublicPortfolio>(`${API.loan}/public/portfolio`),
      allCoops(),
    ]);
    return { stats, savings, portfolio, coops };
  }, []);
  return (
    <section>
      <h1>{t('public.title')}</h1>
      <p>{t('public.explain')}</p>
      <Load loaded={loaded} what={t('public.loading')}>
        {({ stats, savings, portfolio, coops }) => (
          <>
            <p className="as-of">
              {t('asOf')} {stats.asOf}
            </p>
            <div className="figures">
              <Figure label={t('coops')} value={stats.coops.total} testId="public-coops" />
              <Figure label={t('members')} value={stats.members.total} testId="public-members" />
              <Figure label={t('public.savings')} value={<MoneyText value={savings.total} />} testId="public-savings" />
              <LoanFigures portfolio={portfolio} testIds="public" />
              <Figure
                label={t('rat.compliance')}
                value={`${stats.rat.compliant} / ${stats.rat.activeCoops}`}
                testId="public-rat"
              />
              <Figure label={t('rat.overdue')} value={stats.rat.overdue} />
            </div>
            <div className="charts">
              <CountChart title={t('coopsByKind')} counts={stats.coops.byKind} labelOf={(k) => t(`kind.${k}`)} />
              <CountChart title={t('coopsByProvince')} counts={stats.coops.byProvince} labelOf={provinceName} />
              <CountChart title={t('membersByProvince')} counts={stats.members.byProvince} labelOf={provinceName} />
              <AmountChart
                title={t('public.savingsByKind')}
                seriesName={t('millionRupiah')}
                rows={savings.kinds.map((k) => ({
                  label: t(`savingsKind.${k.kind}`),
                  millions: millionsForChart(k.balance.amount),
                  exact: formatRupiah(k.balance.amount),
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
            </div>
            <DataTable
              caption={t('public.directory')}
              testId="public-directory"
              rows={coops}
              rowKey={(c) => c.coopId}
              columns={[
                { header: t('coop.name'), cell: (c) => c.name },
                { header: t('coop.kind'), cell: (c) => t(`kind.${c.kind}`) },
                { header: t('public.province'), cell: (c) => provinceName(c.province) },
                { header: t('public.legalEntityNumber'), cell: (c) => c.legalEntityNumber },
                { header: t('status'), cell: (c) => t(`status.${c.status}`) },
                { header: t('rat.lastYear'), cell: (c) => c.rat.lastYear ?? '—', numeric: true },
                { header: t('rat.compliance'), cell: (c) => (c.rat.overdue ? t('rat.overdue') : t('rat.onTime')) },
              ]}
            />
          </>
        )}
      </Load>
    </section>
  );
}
