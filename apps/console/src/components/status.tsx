import type { ReactNode } from 'react';
import type { Problem } from '../lib/api';
import { useT } from '../lib/i18n';
import type { Loaded } from '../lib/use-load';
import { formatMoney, type Money } from '../lib/money';

export function Loading({ what }: { what: string }) {
  const t = useT();
  return (
    <p className="loading" role="status" aria-live="polite">
      {t('loading')} {what}…
    </p>
  );
}

/** A refusal as the problem details explain it: what went wrong, and which field. */
export function ProblemView({ problem }: { problem: Problem }) {
  const t = useT();
  const fields = problem.errors ?? [];
  return (
    <div className="problem" role="alert">
      <strong>{problem.title}</strong>
      {problem.status > 0 && (
        <span className="problem-status">
          {' '}
          ({t('httpStatus')} {problem.status}
          {problem.code ? `, ${problem.code}` : ''})
        </span>
      )}
      {problem.detail && <p>{problem.detail}</p>}
      {fields.length > 0 && (
        <ul>
          {fields.map((f, i) => (
            <li key={i}>
              <code>{f.pointer ?? (f as { parameter?: string }).parameter ?? ''}</code>{' '}
              {f.detail ?? f.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Loading, failed or ready: every screen says which. */
export function Load<T>(props: {
  loaded: Loaded<T>;
  what: string;
  children: (data: T) => ReactNode;
}) {
  const { loaded } = props;
  if (loaded.state === 'loading') return <Loading what={props.what} />;
  if (loaded.state === 'failed') return <ProblemView problem={loaded.problem} />;
  return <>{props.children(loaded.data)}</>;
}

export function MoneyText({ value }: { value: Money | string }) {
  const money = typeof value === 'string' ? { amount: value, currency: 'IDR' } : value;
  return <span className="money">{formatMoney(money)}</span>;
}

export interface Column<R> {
  header: string;
  cell: (row: R) => ReactNode;
  numeric?: boolean;
}

export function DataTable<R>(props: {
  caption: string;
  columns: readonly Column<R>[];
  rows: readonly R[];
  rowKey: (row: R, index: number) => string;
  testId?: string;
}) {
  const t = useT();
  return (
    <div className="table-wrap">
      <table data-testid={props.testId}>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c.header} scope="col" className={c.numeric ? 'num' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.length === 0 ? (
            <tr>
              <td colSpan={props.columns.length}>{t('none')}</td>
            </tr>
          ) : (
            props.rows.map((row, i) => (
              <tr key={props.rowKey(row, i)}>
                {props.columns.map((c) => (
                  <td key={c.header} className={c.numeric ? 'num' : undefined}>
                    {c.cell(row)}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

export function Figure(props: { label: string; value: ReactNode; testId?: string }) {
  return (
    <div className="figure">
      <span className="figure-label">{props.label}</span>
      <span className="figure-value" data-testid={props.testId}>
        {props.value}
      </span>
    </div>
  );
}
