import '@mantine/core/styles.layer.css';
import 'mantine-datatable/styles.layer.css';
import './app.css';
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError } from '@tutti/client';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { importHubsFromFragment, loadHubs, saveHubs } from './hubs/hub-directory.ts';
import { initI18n } from './i18n/i18n.ts';
import { createAppRouter } from './router.tsx';
import { sessionQueryKey } from './session/session.ts';

function isClientError(error: unknown): boolean {
  return error instanceof ApiError && error.status >= 400 && error.status < 500;
}

/** A switch from another hub brings the person's list of hubs along in the address fragment. */
function takeInHubList(): void {
  const imported = importHubsFromFragment(window.location, loadHubs());
  if (!imported) return;
  saveHubs(imported);
  window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
}

async function start(): Promise<void> {
  takeInHubList();
  await initI18n();

  // An expired session anywhere sends the user back to sign-in instead of leaving broken screens.
  const onError = (error: unknown): void => {
    if (!(error instanceof ApiError) || error.code !== 'UNAUTHENTICATED') return;
    if (queryClient.getQueryData(sessionQueryKey) === null) return;
    queryClient.setQueryData(sessionQueryKey, null);
    void router.navigate({ to: '/sign-in' });
  };
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        // Retrying a 4xx cannot succeed; network and 5xx failures may.
        retry: (failureCount, error) => !isClientError(error) && failureCount < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
  const router = createAppRouter(queryClient);

  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root element');
  createRoot(root).render(
    <StrictMode>
      <App queryClient={queryClient} router={router} />
    </StrictMode>,
  );
}

void start();
