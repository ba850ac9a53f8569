import { useState, type FormEvent } from 'react';
import { Books } from '../components/Books';
import { DataTable, Load, MoneyText } from '../components/status';
import { API, enc } from '../lib/api';
import { useT } from '../lib/i18n';
import { navigate } from '../lib/route';
import { useApi, useSession } from '../lib/session';
import type { Account, LoanSummary, Member } from '../lib/types';
import { useLoad } from '../lib/use-load';

const PAGE = 50;

interface SyncStatus {
  label: string;
  status: unknown;
}

/** A primary coop's own view: its members, accounts, loans, sync status and statements. */
export function CoopView({ params }: { params: URLSearchParams }) {
  const t = useT();
  const api = useApi();
  const session = useSession();
  // A coop's staff see their own coop; other roles may pick one in their reach.
  const coopId = session.role === 'coop' ? session.coopId : (params.get('coop') ?? session.coopId);
  const requested = params.get('coop');
  const [draft, setDraft] = useState(coopId);
  const base = (service: string) => `${service}/coops/${enc(coopId)}`;
  const members = useLoad(() => api.get<{ items: Member[] }>(`${base(API.member)}/members?limit=${PAGE}`), [coopId]);
  const accounts = useLoad(() => api.get<{ items: Account[] }>(`${base(API.savings)}/accounts?limit=${PAGE}`), [coopId]);
  const loans = useLoad(() => api.get<{ loans: LoanSummary[] }>(`${base(API.loan)}/loans?limit=${PAGE}`), [coopId]);
  const sync = useLoad(
    async (): Promise<SyncStatus[]> => {
      const [m, s, l] = await Promise.all([
        api.get<unknown>(`${base(API.member)}/sync-status`),
        api.get<unknown>(`${base(API.savings)}/sync/transactions`),
        api.get<unknown>(`${base(API.loan)}/loan-sync-status`),
      ]);
      return [
        { label: t('members'), status: m },
        { label: t('accounts'), status: s },
        { label: t('loans'), status: l },
      ];
    },
    [coopId],
  );
  const show = (event: FormEvent) => {
    event.preventDefault();
    navigate('coop', { coop: draft.trim() });
  };
  const name = (m: Member) =>
    m.kind === 'coop'
      ? (m.memberCoopId ?? '')
      : typeof m.personalData === 'object' && m.personalData
        ? (m.personalData.name ?? '')
        : t(`personal.${m.personalData ?? 'withheld'}`);

  return (
    <section>
      <h1>
        {t('coop.title')} <span data-testid="coop-id">{coopId}</span>
      </h1>
      {session.role === 'coop' && requested && requested !== coopId && (
        <p className="warn" role="alert" data-testid="own-coop-only">
          {t('coop.ownOnly')}
        </p>
      )}
      {session.role !== 'coop' && (
        <form className="inline" onSubmit={show}>
          <label htmlFor="coop-pick">{t('coopId')}</label>
          <input id="coop-pick" value={draft} onChange={(e) => setDraft(e.target.value)} />
          <button type="submit">{t('show')}</button>
        </form>
      )}
      <h2>{t('members')}</h2>
      <Load loaded={members.loaded} what={t('coop.loadingMembers')}>
        {({ items }) => (
          <DataTable
            caption={t('coop.membersCaption')}
            testId="members"
            rows={items}
            rowKey={(m) => m.memberId}
            columns={[
              { header: t('coop.memberNumber'), cell: (m) => m.memberNumber },
              { header: t('coop.name'), cell: name },
              { header: t('coop.kind'), cell: (m) => t(`memberKind.${m.kind}`) },
              { header: t('status'), cell: (m) => t(`status.${m.status}`) },
              { header: t('coop.joinedOn'), cell: (m) => m.joinedOn },
            ]}
          />
        )}
      </Load>
      <h2>{t('accounts')}</h2>
      <Load loaded={accounts.loaded} what={t('coop.loadingAccounts')}>
        {({ items }) => (
          <DataTable
            caption={t('coop.accountsCaption')}
            testId="accounts"
            rows={items}
            rowKey={(a) => a.accountId}
            columns={[
              { header: t('coop.account'), cell: (a) => a.accountId },
              { header: t('product'), cell: (a) => a.productCode },
              { header: t('status'), cell: (a) => t(`status.${a.status}`) },
              { header: t('balance'), cell: (a) => <MoneyText value={a.balance} />, numeric: true },
              { header: t('coop.available'), cell: (a) => <MoneyText value={a.availableBalance} />, numeric: true },
            ]}
          />
        )}
      </Load>
      <h2>{t('loans')}</h2>
      <Load loaded={loans.loaded} what={t('coop.loadingLoans')}>
        {({ loans: items }) => (
          <DataTable
            caption={t('coop.loansCaption')}
            testId="loans"
            rows={items}
            rowKey={(l) => l.loanId}
            columns={[
              { header: t('coop.loan'), cell: (l) => l.loanId },
              { header: t('product'), cell: (l) => l.productCode },
              { header: t('status'), cell: (l) => t(`loanStatus.${l.status}`) },
              { header: t('kolektibilitas'), cell: (l) => l.kolektibilitas },
              { header: t('loans.outstanding'), cell: (l) => <MoneyText value={l.outstandingPrincipal} />, numeric: true },
              { header: t('coop.overdue'), cell: (l) => <MoneyText value={l.overdueAmount} />, numeric: true },
            ]}
          />
        )}
      </Load>
      <h2>{t('coop.sync')}</h2>
      <Load loaded={sync.loaded} what={t('coop.loadingSync')}>
        {(rows) => (
          <div className="sync">
            {rows.map((r) => (
              <details key={r.label}>
                <summary>{r.label}</summary>
                <pre className="json" tabIndex={0}>
                  {JSON.stringify(r.status, null, 2)}
                </pre>
              </details>
            ))}
          </div>
        )}
      </Load>
      <h2>{t('coop.statements')}</h2>
      <Books key={coopId} coopId={coopId} editable={false} />
    </section>
  );
}
