import { useState, type FormEvent } from 'react';
import { DataTable, Load, MoneyText, ProblemView } from '../../components/status';
import { API, enc, type Problem } from '../../lib/api';
import { useT } from '../../lib/i18n';
import { hrefOf } from '../../lib/route';
import { useApi } from '../../lib/session';
import type { Batch, Positions } from '../../lib/types';
import { asProblem, useLoad } from '../../lib/use-load';
import { BilateralMatrix } from './BilateralMatrix';

/** The next lifecycle step a treasurer takes from each status, as the settlement API names it. */
const NEXT_STEP: Record<string, string | undefined> = {
  open: 'close',
  closed: 'record-settlement',
  settlement_recorded: 'reserve',
  reserved: 'commit',
};

export function BatchDetail({ batchId }: { batchId: string }) {
  const t = useT();
  const api = useApi();
  const base = `${API.settlement}/settlement-batches/${enc(batchId)}`;
  const { loaded, reload } = useLoad(
    async () => {
      const [batch, positions] = await Promise.all([api.get<Batch>(base), api.get<Positions>(`${base}/positions`)]);
      return { batch, positions };
    },
    [batchId],
  );
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const act = (path: string, body?: unknown) => {
    setBusy(true);
    setProblem(null);
    setDone(null);
    api.post<Batch>(`${base}/${path}`, body).then(
      (batch) => {
        setDone(t(`batch.${batch.status}`));
        setBusy(false);
        reload();
      },
      (error: unknown) => {
        setProblem(asProblem(error));
        setBusy(false);
      },
    );
  };

  return (
    <>
      <p>
        <a href={hrefOf('treasurer', { tab: 'batches' })}>← {t('batches.title')}</a>
      </p>
      <h2>
        {t('batch')} {batchId}
      </h2>
      <div aria-live="polite">
        {done && (
          <p className="ok" role="status" data-testid="batch-done">
            {t('batch.nowStatus')} {done}
          </p>
        )}
        {problem && <ProblemView problem={problem} />}
      </div>
      <Load loaded={loaded} what={t('batch.loading')}>
        {({ batch, positions }) => (
          <>
            <dl className="facts">
              <dt>{t('status')}</dt>
              <dd data-testid="batch-status">{t(`batch.${batch.status}`)}</dd>
              <dt>{t('batch.parent')}</dt>
              <dd>{batch.parentCoopId}</dd>
              <dt>{t('batch.model')}</dt>
              <dd>{batch.model}</dd>
              <dt>{t('batch.transfers')}</dt>
              <dd>{batch.transferCount}</dd>
              <dt>{t('total')}</dt>
              <dd>
                <MoneyText value={batch.total} />
              </dd>
            </dl>
            {NEXT_STEP[batch.status] && (
              <button type="button" disabled={busy} onClick={() => act(NEXT_STEP[batch.status]!)}>
                {t(`step.${NEXT_STEP[batch.status]}`)}
              </button>
            )}
            <DataTable
              caption={t('positions.caption')}
              testId="positions"
              rows={positions.positions}
              rowKey={(p) => p.coopId}
              columns={[
                { header: t('coop'), cell: (p) => p.coopId },
                { header: t('positions.debits'), cell: (p) => <MoneyText value={p.debits} />, numeric: true },
                { header: t('positions.credits'), cell: (p) => <MoneyText value={p.credits} />, numeric: true },
                { header: t('positions.net'), cell: (p) => <MoneyText value={p.net} />, numeric: true },
              ]}
            />
            <p>
              {t('positions.sumOfNets')} <MoneyText value={positions.sumOfNets} />
            </p>
            <BilateralMatrix positions={positions} />
            {batch.instructions.length > 0 && (
              <DataTable
                caption={t('instructions.caption')}
                testId="instructions"
                rows={batch.instructions}
                rowKey={(i) => `${i.coopId}-${i.reference}`}
                columns={[
                  { header: t('coop'), cell: (i) => i.coopId },
                  { header: t('instructions.direction'), cell: (i) => t(`direction.${i.direction}`) },
                  { header: t('amount'), cell: (i) => <MoneyText value={i.amount} />, numeric: true },
                  { header: t('reference'), cell: (i) => i.reference },
                  {
                    header: t('settlements.bankReference'),
                    cell: (i) => batch.settlements.find((s) => s.coopId === i.coopId)?.bankReference ?? '—',
                  },
                ]}
              />
            )}
            {(batch.status === 'committed' || batch.status === 'settling') && (
              <ConfirmSettlement batch={batch} busy={busy} onConfirm={(body) => act('settlements', body)} />
            )}
          </>
        )}
      </Load>
    </>
  );
}

function ConfirmSettlement(props: {
  batch: Batch;
  busy: boolean;
  onConfirm: (body: { coopId: string; bankReference: string; settledOn?: string }) => void;
}) {
  const t = useT();
  const settled = new Set(props.batch.settlements.map((s) => s.coopId));
  // Payers first: the API refuses a receiver's confirmation while a payer is unsettled.
  const waiting = [...props.batch.instructions]
    .filter((i) => !settled.has(i.coopId))
    .sort((a, b) => (a.direction === b.direction ? 0 : a.direction === 'pay' ? -1 : 1));
  const [coopId, setCoopId] = useState(waiting[0]?.coopId ?? '');
  const [bankReference, setBankReference] = useState('');
  const [settledOn, setSettledOn] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onConfirm({ coopId, bankReference: bankReference.trim(), ...(settledOn ? { settledOn } : {}) });
    setBankReference('');
  };
  if (waiting.length === 0) return null;
  return (
    <form className="card" onSubmit={submit}>
      <h3>{t('settlements.confirm')}</h3>
      <label htmlFor="settle-coop">{t('coop')}</label>
      <select id="settle-coop" value={coopId} onChange={(e) => setCoopId(e.target.value)}>
        {waiting.map((i) => (
          <option key={i.coopId} value={i.coopId}>
            {i.coopId} ({t(`direction.${i.direction}`)})
          </option>
        ))}
      </select>
      <label htmlFor="settle-ref">{t('settlements.bankReference')}</label>
      <input id="settle-ref" required value={bankReference} onChange={(e) => setBankReference(e.target.value)} />
      <label htmlFor="settle-on">{t('settlements.settledOn')}</label>
      <input id="settle-on" type="date" value={settledOn} onChange={(e) => setSettledOn(e.target.value)} />
      <button type="submit" disabled={props.busy}>
        {t('settlements.confirmButton')}
      </button>
    </form>
  );
}
