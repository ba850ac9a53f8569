import { useT } from '../lib/i18n';
import type { Money } from '../lib/money';
import { Figure, MoneyText } from './status';

/** Loans, outstanding principal and NPL ratio: the dashboard's and the public page's figures. */
export function LoanFigures(props: {
  portfolio: { loans: number; outstandingPrincipal: Money; nplRatioPercent: string | null };
  /** Prefix of the figures' test ids: `<prefix>-loans`, `-outstanding`, `-npl`. */
  testIds: string;
}) {
  const t = useT();
  const { portfolio, testIds } = props;
  return (
    <>
      <Figure label={t('loans')} value={portfolio.loans} testId={`${testIds}-loans`} />
      <Figure
        label={t('loans.outstanding')}
        value={<MoneyText value={portfolio.outstandingPrincipal} />}
        testId={`${testIds}-outstanding`}
      />
      <Figure
        label={t('npl.ratio')}
        value={portfolio.nplRatioPercent === null ? '—' : `${portfolio.nplRatioPercent}%`}
        testId={`${testIds}-npl`}
      />
    </>
  );
}
