import { MoneyText } from '../../components/status';
import { useT } from '../../lib/i18n';
import type { Positions } from '../../lib/types';

/** Who owes whom in the batch: rows pay, columns receive. */
export function BilateralMatrix({ positions }: { positions: Positions }) {
  const t = useT();
  const coops = positions.positions.map((p) => p.coopId);
  const owed = new Map(positions.bilateral.map((b) => [`${b.fromCoopId}→${b.toCoopId}`, b.amount]));
  return (
    <div className="table-wrap">
      <table data-testid="bilateral">
        <caption>{t('bilateral.caption')}</caption>
        <thead>
          <tr>
            <td />
            {coops.map((to) => (
              <th key={to} scope="col">
                {t('bilateral.to')} {to}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {coops.map((from) => (
            <tr key={from}>
              <th scope="row">
                {t('bilateral.from')} {from}
              </th>
              {coops.map((to) => {
                const amount = owed.get(`${from}→${to}`);
                return (
                  <td key={to} className="num">
                    {amount ? <MoneyText value={amount} /> : '—'}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
