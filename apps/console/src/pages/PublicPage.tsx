import { Figure, Load } from '../components/status';
import { CountChart } from '../components/charts';
import { API, createApi } from '../lib/api';
import { useT } from '../lib/i18n';
import type { Statistics } from '../lib/types';
import { useLoad } from '../lib/use-load';
import { provinceName } from '../lib/provinces';

/** The transparency page: aggregate counts only — no names, no NIK, nothing personal. */
export function PublicPage() {
  const t = useT();
  const { loaded } = useLoad(
    () => createApi(null).get<Statistics>(`${API.member}/public/statistics`),
    [],
  );
  return (
    <section>
      <h1>{t('public.title')}</h1>
      <p>{t('public.explain')}</p>
      <Load loaded={loaded} what={t('public.loading')}>
        {(stats) => (
          <>
            <p className="as-of">
              {t('asOf')} {stats.asOf}
            </p>
            <div className="figures">
              <Figure label={t('coops')} value={stats.coops.total} testId="public-coops" />
              <Figure label={t('members')} value={stats.members.total} testId="public-members" />
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
            </div>
            <p className="note">{t('public.notPublished')}</p>
          </>
        )}
      </Load>
    </section>
  );
}

