import { useState, type FormEvent } from 'react';
import { Books } from '../components/Books';
import { Replay } from '../components/Replay';
import { DataTable, Loading, ProblemView } from '../components/status';
import { API, enc, type Problem } from '../lib/api';
import { useT } from '../lib/i18n';
import { useApi, useSession } from '../lib/session';
import type { Verification } from '../lib/types';
import { asProblem } from '../lib/use-load';

type Run<T> = { state: 'idle' } | { state: 'running' } | { state: 'failed'; problem: Problem } | { state: 'done'; data: T };

function useRun<T>() {
  const [run, setRun] = useState<Run<T>>({ state: 'idle' });
  const start = (work: () => Promise<T>) => {
    setRun({ state: 'running' });
    work().then(
      (data) => setRun({ state: 'done', data }),
      (error: unknown) => setRun({ state: 'failed', problem: asProblem(error) }),
    );
  };
  return [run, start] as const;
}

/** Saves text as a file the browser downloads. */
function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function AuditorView(_props: { params: URLSearchParams }) {
  const t = useT();
  const api = useApi();
  const session = useSession();
  const [verify, startVerify] = useRun<Verification>();
  const [pack, startPack] = useRun<string>();
  const [proof, startProof] = useRun<unknown>();
  const [eventId, setEventId] = useState('');

  const [packCoop, setPackCoop] = useState(session.coopId);
  const [packYear, setPackYear] = useState(String(new Date().getFullYear()));
  const downloadPackage = (event: FormEvent) => {
    event.preventDefault();
    const coop = packCoop.trim();
    startPack(async () => {
      const text = await api.text(`${API.audit}/coops/${enc(coop)}/audit-package?year=${enc(packYear)}`);
      const name = `kopfed-audit-package-${coop}-${packYear}.json`;
      download(name, text);
      return name;
    });
  };
  const downloadCheckpoints = () =>
    startPack(async () => {
      const text = await api.text(`${API.audit}/checkpoints?limit=1000`);
      const name = `kopfed-checkpoints-${new Date().toISOString().slice(0, 10)}.json`;
      download(name, text);
      return name;
    });
  const lookUp = (event: FormEvent) => {
    event.preventDefault();
    startProof(() => api.get<unknown>(`${API.audit}/events/${enc(eventId.trim())}/proof`));
  };

  return (
    <section>
      <h1>{t('auditor.title')}</h1>
      <div className="card">
        <h2>{t('verify.title')}</h2>
        <p>{t('verify.explain')}</p>
        <button type="button" onClick={() => startVerify(() => api.get<Verification>(`${API.audit}/verify`))} disabled={verify.state === 'running'}>
          {t('verify.run')}
        </button>
        {verify.state === 'running' && <Loading what={t('verify.running')} />}
        {verify.state === 'failed' && <ProblemView problem={verify.problem} />}
        {verify.state === 'done' && (
          <>
            <p className={verify.data.intact ? 'ok' : 'warn'} role="status" data-testid="verify-result">
              {verify.data.intact ? t('verify.intact') : t('verify.damaged')} · {verify.data.verifiedAt}
            </p>
            {verify.data.error && <p className="warn">{verify.data.error}</p>}
            <DataTable
              caption={t('verify.stores')}
              testId="verify-stores"
              rows={verify.data.stores}
              rowKey={(s) => s.store}
              columns={[
                { header: t('verify.store'), cell: (s) => s.store },
                { header: t('verify.intactColumn'), cell: (s) => (s.intact ? t('yes') : t('no')) },
                { header: t('verify.events'), cell: (s) => s.events, numeric: true },
                { header: t('verify.checkpoints'), cell: (s) => s.checkpoints, numeric: true },
                { header: t('verify.findings'), cell: (s) => (s.first ? `${s.first.kind}: ${s.first.detail}` : s.findingCount) },
              ]}
            />
          </>
        )}
      </div>
      <div className="card">
        <h2>{t('package.title')}</h2>
        <p>{t('package.explain')}</p>
        <form className="inline" onSubmit={downloadPackage}>
          <label htmlFor="package-coop">{t('coopId')}</label>
          <input id="package-coop" required value={packCoop} onChange={(e) => setPackCoop(e.target.value)} />
          <label htmlFor="package-year">{t('package.year')}</label>
          <input
            id="package-year"
            required
            inputMode="numeric"
            pattern="\d{4}"
            size={6}
            value={packYear}
            onChange={(e) => setPackYear(e.target.value)}
          />
          <button type="submit" disabled={pack.state === 'running'}>
            {t('package.download')}
          </button>
          <button type="button" onClick={downloadCheckpoints} disabled={pack.state === 'running'}>
            {t('package.checkpoints')}
          </button>
        </form>
        {pack.state === 'running' && <Loading what={t('package.preparing')} />}
        {pack.state === 'failed' && <ProblemView problem={pack.problem} />}
        {pack.state === 'done' && (
          <p className="ok" role="status" data-testid="package-done">
            {t('package.saved')} {pack.data}
          </p>
        )}
      </div>
      <div className="card">
        <h2>{t('books.title')}</h2>
        <Books coopId={session.coopId} editable />
      </div>
      <Replay coopId={session.coopId} />
      <div className="card">
        <h2>{t('proof.title')}</h2>
        <form className="inline" onSubmit={lookUp}>
          <label htmlFor="event-id">{t('proof.eventId')}</label>
          <input id="event-id" required value={eventId} onChange={(e) => setEventId(e.target.value)} />
          <button type="submit">{t('proof.lookUp')}</button>
        </form>
        {proof.state === 'running' && <Loading what={t('proof.loading')} />}
        {proof.state === 'failed' && <ProblemView problem={proof.problem} />}
        {proof.state === 'done' && (
          <pre className="json" data-testid="proof" tabIndex={0}>
            {JSON.stringify(proof.data, null, 2)}
          </pre>
        )}
      </div>
    </section>
  );
}
