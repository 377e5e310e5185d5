import type { Severity } from '@tutti/protocol';
import { severityColor } from '../devices/status.ts';

const RADIUS = 70;
const STROKE = 22;
const CIRCUMFERENCE = 2 * Math.PI * RADIUS;
// Drawn clockwise from the top, most urgent first, in the same order as the legend.
const order: Severity[] = ['down', 'issue', 'healthy'];

/**
 * A donut of devices by severity. Decorative for screen readers: the legend beside it holds the same numbers as
 * links, so the chart adds no information that only the eye can reach.
 */
export function SeverityDonut({
  counts,
  total,
  totalLabel,
}: {
  counts: Record<Severity, number>;
  total: number;
  totalLabel: string;
}) {
  let offset = 0;
  return (
    <svg viewBox="0 0 180 180" width="100%" style={{ maxWidth: 200, display: 'block' }} aria-hidden="true">
      <circle cx="90" cy="90" r={RADIUS} fill="none" stroke="var(--mantine-color-gray-2)" strokeWidth={STROKE} />
      {total > 0
        ? order.map((severity) => {
            const length = (counts[severity] / total) * CIRCUMFERENCE;
            const dash = (
              <circle
                key={severity}
                cx="90"
                cy="90"
                r={RADIUS}
                fill="none"
                stroke={`var(--mantine-color-${severityColor[severity]}-6)`}
                strokeWidth={STROKE}
                strokeDasharray={`${length} ${CIRCUMFERENCE - length}`}
                strokeDashoffset={-offset}
                transform="rotate(-90 90 90)"
              />
            );
            offset += length;
            return dash;
          })
        : null}
      <text
        x="90"
        y="88"
        textAnchor="middle"
        fontSize="34"
        fontWeight="700"
        fill="var(--mantine-color-text)"
        direction="ltr"
      >
        {totalLabel}
      </text>
    </svg>
  );
}
