import {
  createTheme,
  DirectionProvider,
  MantineProvider,
  useDirection,
  defaultVariantColorsResolver,
  parseThemeColor,
  type CSSVariablesResolver,
  type VariantColorsResolver,
} from '@mantine/core';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLanguage, directionOf } from './i18n/i18n.ts';
import type { createAppRouter } from './router.tsx';
import { tintTextColor } from './shell/tint-text.ts';

/**
 * Light badges and buttons: shade 9 on shade 0 of their colour (a darker tone where shade 9 is too light, see
 * tint-text.ts); Mantine's shade 6 on a tint is below AA contrast.
 */
const variantColorResolver: VariantColorsResolver = (input) => {
  const colors = defaultVariantColorsResolver(input);
  if (input.variant !== 'light') return colors;
  const parsed = parseThemeColor({ color: input.color ?? input.theme.primaryColor, theme: input.theme });
  return parsed.isThemeColor && parsed.shade === undefined
    ? {
        ...colors,
        color: tintTextColor(parsed.color) ?? `var(--mantine-color-${parsed.color}-9)`,
        background: `var(--mantine-color-${parsed.color}-0)`,
        hover: `var(--mantine-color-${parsed.color}-1)`,
      }
    : colors;
};

const theme = createTheme({
  primaryColor: 'blue',
  // Shade 8 keeps links and white-on-blue buttons above WCAG AA contrast (4.5:1); Mantine's default 6 is 3.6:1.
  primaryShade: 8,
  variantColorResolver,
  defaultRadius: 'md',
  fontFamily:
    'Inter, system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Arabic", "Noto Sans CJK SC", "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '650' },
});

/**
 * Secondary ("dimmed") text in gray 7 rather than Mantine's gray 6, which is below AA contrast on white. Red text
 * (errors, failure reasons) in red 9, as Down reads elsewhere: Mantine's red 8 is 4.5:1 on white only, and less on
 * the grey of the page and of striped table rows.
 */
const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-red-text': 'var(--mantine-color-red-9)',
  },
  dark: {},
});

/** Keeps Mantine's direction in step with the language, so Arabic mirrors the whole layout. */
function DirectionSync() {
  const { i18n } = useTranslation();
  const { setDirection } = useDirection();
  const language = i18n.resolvedLanguage;
  useEffect(() => {
    setDirection(directionOf(currentLanguage()));
  }, [language, setDirection]);
  return null;
}

export function App({ queryClient, router }: { queryClient: QueryClient; router: ReturnType<typeof createAppRouter> }) {
  return (
    <DirectionProvider initialDirection={directionOf(currentLanguage())} detectDirection={false}>
      <MantineProvider theme={theme} defaultColorScheme="light" cssVariablesResolver={cssVariablesResolver}>
        <DirectionSync />
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </MantineProvider>
    </DirectionProvider>
  );
}
