/**
 * Text on a tint of its own colour (light badges and alerts): Mantine's shade 9 on shade 0 is below WCAG AA (4.5:1)
 * for orange (3.96), green (4.07) and yellow (2.83), so these colours use a darker tone of the same hue. Each is at
 * least 4.5:1 on shade 0, on shade 1 (hover) and on white. Orange is the Issue colour wherever the app shows one.
 */
export const tintTextColors = {
  orange: '#b04a00',
  green: '#237032',
  yellow: '#8a5d00',
} as const;

/** The darker text tone for a theme colour whose shade 9 is too light on its tint, if it is one. */
export function tintTextColor(color: string): string | undefined {
  return Object.hasOwn(tintTextColors, color) ? tintTextColors[color as keyof typeof tintTextColors] : undefined;
}
