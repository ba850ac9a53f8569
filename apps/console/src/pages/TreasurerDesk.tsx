import { useT } from '../lib/i18n';
import { hrefOf } from '../lib/route';
import { useSession } from '../lib/session';
import { Alarms, BatchList } from './treasurer/BatchList';
import { BatchDetail } from './treasurer/BatchDetail';
import { PositionHistory } from './treasurer/PositionHistory';
import { Reconciliation } from './treasurer/Reconciliation';

const TABS = ['batches', 'reconciliation', 'alarms', 'history'] as const;

/** The treasurer's reconciliation desk: batches, settlement, bank statements, limits. */
export function TreasurerDesk({ params }: { params: URLSearchParams }) {
  const t = useT();
  const session = useSession();
  const tab = TABS.find((x) => x === params.get('tab')) ?? 'batches';
  const batchId = params.get('batch');
  const parentCoopId = params.get('parent') ?? session.coopId;
  return (
    <section>
      <h1>{t('treasurer.title')}</h1>
      <nav aria-label={t('treasurer.sections')} className="tabs">
        <ul>
          {TABS.map((x) => (
            <li key={x}>
              <a href={hrefOf('treasurer', { tab: x })} aria-current={tab === x ? 'page' : undefined}>
                {t(`treasurer.tab.${x}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {tab === 'batches' && (batchId ? <BatchDetail batchId={batchId} /> : <BatchList status={params.get('status')} />)}
      {tab === 'reconciliation' && <Reconciliation parentCoopId={parentCoopId} />}
      {tab === 'alarms' && <Alarms />}
      {tab === 'history' && <PositionHistory coopId={params.get('coop')} />}
    </section>
  );
}
