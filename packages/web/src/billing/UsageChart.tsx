import type { UsageDay } from '@tutti/protocol';

/**
 * Daily Pro Audio devices managed as bars (the day's maximum), days with overflow in orange, and the plan's
 * maximum as a dashed line. Decorative for screen readers: the figures beside it say the same in words.
 */
export function UsageChart({ days, limit, height = 120 }: { days: UsageDay[]; limit?: number; height?: number }) {
  const width = Math.max(days.length * 6, 120);
  const top = Math.max(1, limit ?? 0, ...days.map((day) => day.proAudioManagedMax));
  const scale = (value: number) => (value / top) * (height - 4);
  const barWidth = width / Math.max(days.length, 1);
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      height={height}
      preserveAspectRatio="none"
      aria-hidden="true"
      style={{ display: 'block', direction: 'ltr' }}
    >
      <rect x="0" y="0" width={width} height={height} fill="var(--mantine-color-gray-0)" />
      {days.map((day, index) => {
        const barHeight = scale(day.proAudioManagedMax);
        return (
          <rect
            key={day.day}
            x={index * barWidth + barWidth * 0.15}
            y={height - barHeight}
            width={barWidth * 0.7}
            height={barHeight}
            fill={day.overflow ? 'var(--mantine-color-orange-6)' : 'var(--mantine-color-blue-6)'}
          />
        );
      })}
      {limit !== undefined && limit > 0 ? (
        <line
          x1="0"
          x2={width}
          y1={height - scale(limit)}
          y2={height - scale(limit)}
          stroke="var(--mantine-color-gray-6)"
          strokeDasharray="4 3"
          vectorEffect="non-scaling-stroke"
        />
      ) : null}
    </svg>
  );
}
