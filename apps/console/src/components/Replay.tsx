import { useState, type FormEvent } from 'react';
import { Loading, ProblemView } from './status';
import { API, enc, type Problem } from '../lib/api';
import { useT } from '../lib/i18n';
import { useApi } from '../lib/session';
import { asProblem } from '../lib/use-load';

interface ReplayView {
  throughPosition: number;
  eventsRead: number;
  checkpoint: { sequence: number; merkleRoot: string; signedAt: string } | null;
  coops: {
    coopId: string;
    entries: number;
    closedThrough: string | null;
    trialBalance: unknown;
    balanceSheet: unknown;
    shuStatement: unknown;
  }[];
}

type State = { state: 'idle' } | { state: 'running' } | { state: 'failed'; problem: Problem } | { state: 'done'; data: ReplayView };

/** The audit service's replay: the books rebuilt from the ledger events alone, as of a date. */
export function Replay({ coopId }: { coopId: string }) {
  const t = useT();
  const api = useApi();
  const [coop, setCoop] = useState(coopId);
  const [asOf, setAsOf] = useState(new Date().toISOString().slice(0, 10));
  const [run, setRun] = useState<State>({ state: 'idle' });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setRun({ state: 'running' });
    api.get<ReplayView>(`${API.audit}/coops/${enc(coop.trim())}/books/replay?asOf=${enc(asOf)}`).then(
      (data) => setRun({ state: 'done', data }),
      (error: unknown) => setRun({ state: 'failed', problem: asProblem(error) }),
    );
  };
  return (
    <div className="card">
      <h2>{t('replay.title')}</h2>
      <p>{t('replay.explain')}</p>
      <form className="inline" onSubmit={submit}>
        <label htmlFor="replay-coop">{t('coopId')}</label>
        <input id="replay-coop" required value={coop} onChange={(e) => setCoop(e.target.value)} />
        <label htmlFor="replay-as-of">{t('books.asOf')}</label>
        <input id="replay-as-of" type="date" required value={asOf} onChange={(e) => setAsOf(e.target.value)} />
        <button type="submit">{t('replay.run')}</button>
      </form>
      {run.state === 'running' && <Loading what={t('replay.running')} />}
      {run.state === 'failed' && <ProblemView problem={run.problem} />}
      {run.state === 'done' && (
        <div data-testid="replay">
          <p role="status">
            {t('replay.eventsRead')} {run.data.eventsRead} · {t('replay.through')} {run.data.throughPosition} ·{' '}
            {run.data.checkpoint
              ? `${t('replay.checkpoint')} #${run.data.checkpoint.sequence} (${run.data.checkpoint.signedAt})`
              : t('replay.noCheckpoint')}
          </p>
          {run.data.coops.map((c) => (
            <details key={c.coopId} open>
              <summary>
                {c.coopId}: {c.entries} {t('replay.entries')}
              </summary>
              {(['trialBalance', 'balanceSheet', 'shuStatement'] as const).map((k) => (
                <details key={k}>
                  <summary>{t(`replay.${k}`)}</summary>
                  <pre className="json" tabIndex={0}>
                    {JSON.stringify(c[k], null, 2)}
                  </pre>
                </details>
              ))}
            </details>
          ))}
        </div>
      )}
    </div>
  );
}
