// First: zod must run without `new Function` under the server's CSP (zod-csp.ts).
import './zod-csp';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from '@tanstack/react-router';
import { registerSW } from 'virtual:pwa-register';
import { I18nProvider } from './i18n';
import { router } from './router';
import './app.css';

// autoUpdate: a new deploy activates at once (skipWaiting + clientsClaim in the generated worker).
registerSW({ immediate: true });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <RouterProvider router={router} />
    </I18nProvider>
  </StrictMode>,
);
