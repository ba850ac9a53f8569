import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { CountBy } from '../lib/types';

/** Colours with at least 3:1 contrast on white (WCAG 1.4.11, graphical objects). */
export const PALETTE = ['#1f5fa8', '#b4462b', '#2e7d32', '#6a3d9a', '#8a6d00', '#00695c'];

function ChartFrame(props: { title: string; table: { label: string; value: string }[]; children: React.ReactElement }) {
  return (
    <figure className="chart">
      <figcaption>{props.title}</figcaption>
      <div className="chart-canvas" aria-hidden="true">
        <ResponsiveContainer width="100%" height={220}>
          {props.children}
        </ResponsiveContainer>
      </div>
      {/* The same figures as text, for screen readers and for reading exact values. */}
      <table className="visually-hidden">
        <caption>{props.title}</caption>
        <tbody>
          {props.table.map((row) => (
            <tr key={row.label}>
              <th scope="row">{row.label}</th>
              <td>{row.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** A count per category (kind, province, gender, age band…) as bars. */
export function CountChart(props: { title: string; counts: CountBy; labelOf?: (key: string) => string }) {
  const data = props.counts.map(({ key, count }) => ({
    label: props.labelOf ? props.labelOf(key) : key,
    count,
  }));
  return (
    <ChartFrame title={props.title} table={data.map((d) => ({ label: d.label, value: String(d.count) }))}>
      <BarChart accessibilityLayer={false} data={data} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="label" interval={0} fontSize={11} />
        <YAxis allowDecimals={false} fontSize={11} />
        <Tooltip />
        <Bar dataKey="count" fill={PALETTE[0]} isAnimationActive={false} />
      </BarChart>
    </ChartFrame>
  );
}

/** Amounts per category, plotted in millions; the table carries the exact rupiah. */
export function AmountChart(props: {
  title: string;
  rows: { label: string; millions: number; exact: string }[];
  seriesName: string;
}) {
  return (
    <ChartFrame title={props.title} table={props.rows.map((r) => ({ label: r.label, value: r.exact }))}>
      <BarChart accessibilityLayer={false} data={props.rows} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="label" interval={0} fontSize={11} />
        <YAxis fontSize={11} />
        <Tooltip />
        <Bar dataKey="millions" name={props.seriesName} fill={PALETTE[1]} isAnimationActive={false} />
      </BarChart>
    </ChartFrame>
  );
}

/** A value per month (members, coops) as a line. */
export function TrendChart(props: {
  title: string;
  points: { month: string; [series: string]: number | string }[];
  series: { key: string; name: string }[];
}) {
  return (
    <ChartFrame
      title={props.title}
      table={props.points.map((p) => ({
        label: p.month,
        value: props.series.map((s) => `${s.name}: ${p[s.key]}`).join(', '),
      }))}
    >
      <LineChart accessibilityLayer={false} data={props.points} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="month" fontSize={11} />
        <YAxis allowDecimals={false} fontSize={11} />
        <Tooltip />
        <Legend />
        {props.series.map((s, i) => (
          <Line key={s.key} dataKey={s.key} name={s.name} stroke={PALETTE[i % PALETTE.length]} isAnimationActive={false} />
        ))}
      </LineChart>
    </ChartFrame>
  );
}
