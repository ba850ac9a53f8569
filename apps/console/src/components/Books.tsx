import { useState, type FormEvent } from 'react';
import { DataTable, Load, MoneyText } from './status';
import { API, enc, type Api } from '../lib/api';
import { useT } from '../lib/i18n';
import { useApi } from '../lib/session';
import type { BookLine } from '../lib/types';
import { useLoad } from '../lib/use-load';

type Statement = 'trial-balance' | 'balance-sheet' | 'shu-statement';
const STATEMENTS: readonly Statement[] = ['trial-balance', 'balance-sheet', 'shu-statement'];

interface TrialBalance {
  rows: { account: string; name: string; debitBalance: string; creditBalance: string }[];
  totals: { currency: string; debitBalance: string; creditBalance: string }[];
}
interface BalanceSheet {
  assets: BookLine[];
  liabilities: BookLine[];
  equity: BookLine[];
  currentResult: string;
  totalAssets: string;
  totalLiabilities: string;
  totalEquity: string;
}
interface ShuStatement {
  from: string;
  to: string;
  income: BookLine[];
  expense: BookLine[];
  totalIncome: string;
  totalExpense: string;
  result: string;
}
type Loaded =
  | { kind: 'trial-balance'; body: TrialBalance }
  | { kind: 'balance-sheet'; body: BalanceSheet }
  | { kind: 'shu-statement'; body: ShuStatement };

async function loadStatement(api: Api, coopId: string, kind: Statement, date: string): Promise<Loaded> {
  const base = `${API.settlement}/coops/${enc(coopId)}/books/${kind}`;
  if (kind === 'shu-statement') {
    const to = date || new Date().toISOString().slice(0, 10);
    const from = `${to.slice(0, 4)}-01-01`;
    return { kind, body: await api.get<ShuStatement>(`${base}?from=${from}&to=${to}`) };
  }
  const query = date ? `?date=${date}` : '';
  if (kind === 'trial-balance') return { kind, body: await api.get<TrialBalance>(`${base}${query}`) };
  return { kind, body: await api.get<BalanceSheet>(`${base}${query}`) };
}

function Lines({ caption, lines }: { caption: string; lines: BookLine[] }) {
  const t = useT();
  return (
    <DataTable
      caption={caption}
      rows={lines}
      rowKey={(l) => l.account}
      columns={[
        { header: t('books.account'), cell: (l) => l.account },
        { header: t('books.name'), cell: (l) => l.name },
        { header: t('amount'), cell: (l) => <MoneyText value={l.amount} />, numeric: true },
      ]}
    />
  );
}

/** A coop's books as effective on a business date (replayed by the settlement service's ledger). */
export function Books({ coopId, editable }: { coopId: string; editable: boolean }) {
  const t = useT();
  const api = useApi();
  const [coop, setCoop] = useState(coopId);
  const [kind, setKind] = useState<Statement>('trial-balance');
  const [date, setDate] = useState('');
  const [asked, setAsked] = useState({ coop: coopId, kind, date });
  const { loaded } = useLoad(() => loadStatement(api, asked.coop, asked.kind, asked.date), [asked.coop, asked.kind, asked.date]);
  const show = (event: FormEvent) => {
    event.preventDefault();
    setAsked({ coop: coop.trim(), kind, date });
  };
  return (
    <>
      <form className="inline" onSubmit={show}>
        {editable && (
          <>
            <label htmlFor="books-coop">{t('coopId')}</label>
            <input id="books-coop" required value={coop} onChange={(e) => setCoop(e.target.value)} />
          </>
        )}
        <label htmlFor="books-kind">{t('books.statement')}</label>
        <select id="books-kind" value={kind} onChange={(e) => setKind(e.target.value as Statement)}>
          {STATEMENTS.map((s) => (
            <option key={s} value={s}>
              {t(`books.${s}`)}
            </option>
          ))}
        </select>
        <label htmlFor="books-date">{t('books.asOf')}</label>
        <input id="books-date" type="date" value={date} onChange={(e) => setDate(e.target.value)} />
        <button type="submit">{t('books.replay')}</button>
      </form>
      <Load loaded={loaded} what={t('books.loading')}>
        {(statement) => {
          switch (statement.kind) {
            case 'trial-balance':
              return (
                <DataTable
                  caption={`${t('books.trial-balance')} · ${asked.coop}`}
                  testId="trial-balance"
                  rows={statement.body.rows}
                  rowKey={(r) => r.account}
                  columns={[
                    { header: t('books.account'), cell: (r) => r.account },
                    { header: t('books.name'), cell: (r) => r.name },
                    { header: t('books.debit'), cell: (r) => <MoneyText value={r.debitBalance} />, numeric: true },
                    { header: t('books.credit'), cell: (r) => <MoneyText value={r.creditBalance} />, numeric: true },
                  ]}
                />
              );
            case 'balance-sheet':
              return (
                <div data-testid="balance-sheet">
                  <Lines caption={t('books.assets')} lines={statement.body.assets} />
                  <Lines caption={t('books.liabilities')} lines={statement.body.liabilities} />
                  <Lines caption={t('books.equity')} lines={statement.body.equity} />
                  <p>
                    {t('books.totalAssets')} <MoneyText value={statement.body.totalAssets} /> ·{' '}
                    {t('books.currentResult')} <MoneyText value={statement.body.currentResult} />
                  </p>
                </div>
              );
            case 'shu-statement':
              return (
                <div data-testid="shu-statement">
                  <Lines caption={t('books.income')} lines={statement.body.income} />
                  <Lines caption={t('books.expense')} lines={statement.body.expense} />
                  <p>
                    {statement.body.from} – {statement.body.to}: {t('books.shu')}{' '}
                    <MoneyText value={statement.body.result} />
                  </p>
                </div>
              );
          }
        }}
      </Load>
    </>
  );
}
