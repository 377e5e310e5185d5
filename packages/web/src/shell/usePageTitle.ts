import { useEffect } from 'react';

/** Screen readers and browser tabs announce the page by its title. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Tutti`;
  }, [title]);
}
