import { useState, type FormEvent } from 'react';
import { DataTable, Load, MoneyText, ProblemView } from '../../components/status';
import { API, enc, type Problem } from '../../lib/api';
import { useT } from '../../lib/i18n';
import { formatRupiah } from '../../lib/money';
import { useApi } from '../../lib/session';
import type { Mismatch, ReconciliationReport } from '../../lib/types';
import { asProblem, useLoad } from '../../lib/use-load';

/** One mismatch with where it was found, so the treasurer can work through them in turn. */
export interface Finding {
  coopId: string;
  batchId: string;
  reference: string;
  amount: string;
  mismatch: Mismatch;
}

export function findingsOf(report: ReconciliationReport): Finding[] {
  return report.coops.flatMap((c) =>
    c.items.flatMap((item) =>
      item.mismatches.map((mismatch) => ({
        coopId: c.coopId,
        batchId: item.batchId,
        reference: item.reference,
        amount: item.amount,
        mismatch,
      })),
    ),
  );
}

/** Amounts read as rupiah; dates, references and counts as they are. */
function mismatchValue(mismatch: Mismatch, value: string | null): string {
  if (value === null) return '—';
  const isAmount = mismatch.cause === 'amount_differs' || mismatch.cause === 'missing';
  return isAmount && /^-?\d+$/.test(value) ? formatRupiah(value) : value;
}

const SAMPLE_CSV = 'date,amount,reference,description\n';

export function Reconciliation({ parentCoopId }: { parentCoopId: string }) {
  const t = useT();
  const api = useApi();
  const base = `${API.settlement}/coops/${enc(parentCoopId)}`;
  const { loaded, reload } = useLoad(() => api.get<ReconciliationReport>(`${base}/reconciliation`), [parentCoopId]);
  const [statementId, setStatementId] = useState('');
  const [format, setFormat] = useState<'csv' | 'mt940'>('csv');
  const [content, setContent] = useState(SAMPLE_CSV);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [imported, setImported] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [index, setIndex] = useState(0);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    setImported(null);
    const body = {
      statementId: statementId.trim(),
      format,
      content,
      ...(format === 'csv'
        ? { csv: { columns: { date: 'date', amount: 'amount', reference: 'reference', description: 'description' } } }
        : {}),
    };
    api.post<{ statementId: string; lineCount: number }>(`${base}/bank-statements`, body).then(
      (s) => {
        setImported(`${s.statementId}: ${s.lineCount} ${t('recon.lines')}`);
        setBusy(false);
        setIndex(0);
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
      <h2>{t('recon.title')}</h2>
      <form className="card" onSubmit={submit}>
        <h3>{t('recon.import')}</h3>
        <label htmlFor="stmt-id">{t('recon.statementId')}</label>
        <input id="stmt-id" required pattern="[A-Za-z0-9_\-]{1,64}" value={statementId} onChange={(e) => setStatementId(e.target.value)} />
        <label htmlFor="stmt-format">{t('recon.format')}</label>
        <select id="stmt-format" value={format} onChange={(e) => setFormat(e.target.value as 'csv' | 'mt940')}>
          <option value="csv">CSV</option>
          <option value="mt940">MT940</option>
        </select>
        <label htmlFor="stmt-file">{t('recon.file')}</label>
        <input
          id="stmt-file"
          type="file"
          accept=".csv,.txt,.sta,.940"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void file.text().then(setContent);
          }}
        />
        <label htmlFor="stmt-content">{t('recon.content')}</label>
        <textarea id="stmt-content" rows={6} value={content} onChange={(e) => setContent(e.target.value)} />
        <p className="hint">{t('recon.csvHint')}</p>
        <button type="submit" disabled={busy}>
          {t('recon.importButton')}
        </button>
        <div aria-live="polite">
          {imported && (
            <p className="ok" role="status" data-testid="statement-imported">
              {t('recon.imported')} {imported}
            </p>
          )}
          {problem && <ProblemView problem={problem} />}
        </div>
      </form>
      <Load loaded={loaded} what={t('recon.loading')}>
        {(report) => {
          const findings = findingsOf(report);
          const current = findings[Math.min(index, findings.length - 1)];
          return (
            <>
              <h3>{t('recon.mismatches')}</h3>
              <p data-testid="mismatch-count">
                {findings.length} {t('recon.mismatchCount')}
              </p>
              {current && (
                <div className="card" data-testid="mismatch-current" aria-live="polite">
                  <p>
                    {t('recon.mismatch')} {Math.min(index, findings.length - 1) + 1} / {findings.length}
                  </p>
                  <dl className="facts">
                    <dt>{t('coop')}</dt>
                    <dd>{current.coopId}</dd>
                    <dt>{t('batch')}</dt>
                    <dd>{current.batchId}</dd>
                    <dt>{t('reference')}</dt>
                    <dd>{current.reference}</dd>
                    <dt>{t('amount')}</dt>
                    <dd>
                      <MoneyText value={current.amount} />
                    </dd>
                    <dt>{t('recon.source')}</dt>
                    <dd>{t(`source.${current.mismatch.source}`)}</dd>
                    <dt>{t('recon.cause')}</dt>
                    <dd data-testid="mismatch-cause">{t(`cause.${current.mismatch.cause}`)}</dd>
                    <dt>{t('recon.expected')}</dt>
                    <dd>{mismatchValue(current.mismatch, current.mismatch.expected)}</dd>
                    <dt>{t('recon.actual')}</dt>
                    <dd>{mismatchValue(current.mismatch, current.mismatch.actual)}</dd>
                  </dl>
                  <button type="button" disabled={index <= 0} onClick={() => setIndex(index - 1)}>
                    {t('previous')}
                  </button>{' '}
                  <button type="button" disabled={index >= findings.length - 1} onClick={() => setIndex(index + 1)}>
                    {t('next')}
                  </button>
                </div>
              )}
              <DataTable
                caption={t('recon.allMismatches')}
                testId="mismatches"
                rows={findings}
                rowKey={(_f, i) => String(i)}
                columns={[
                  { header: t('coop'), cell: (f) => f.coopId },
                  { header: t('reference'), cell: (f) => f.reference },
                  { header: t('recon.source'), cell: (f) => t(`source.${f.mismatch.source}`) },
                  { header: t('recon.cause'), cell: (f) => t(`cause.${f.mismatch.cause}`) },
                  { header: t('recon.expected'), cell: (f) => mismatchValue(f.mismatch, f.mismatch.expected) },
                  { header: t('recon.actual'), cell: (f) => mismatchValue(f.mismatch, f.mismatch.actual) },
                ]}
              />
              <DataTable
                caption={t('recon.unmatchedBank')}
                testId="unmatched-bank"
                rows={report.unmatchedBankLines}
                rowKey={(l) => `${l.statementId}-${l.lineNo}`}
                columns={[
                  { header: t('recon.valueDate'), cell: (l) => l.valueDate },
                  { header: t('amount'), cell: (l) => <MoneyText value={l.amount} />, numeric: true },
                  { header: t('reference'), cell: (l) => l.reference },
                  { header: t('description'), cell: (l) => l.description },
                ]}
              />
            </>
          );
        }}
      </Load>
    </>
  );
}
