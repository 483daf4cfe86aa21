/**
 * Code-based route tree. Every screen is its own chunk, so a terminal downloads the POS and
 * nothing of the back-office (chart.js) before it can take an order.
 */
import { createRootRoute, createRoute, createRouter, lazyRouteComponent, Outlet, redirect } from '@tanstack/react-router';
import { SecureContextBanner } from './components/SecureContextBanner';
import { loadCredentials } from './sync/credentials';

// Every screen (POS, kitchen, back-office, pairing) gets the insecure-origin banner above it.
const rootRoute = createRootRoute({
  component: () => (
    <>
      <SecureContextBanner />
      <Outlet />
    </>
  ),
});

/** `/` opens the screen of this device's role, or pairing for a new device. */
export function homeFor(kind: 'terminal' | 'kitchen' | null): '/pos' | '/kitchen' | '/setup' {
  if (kind === 'terminal') return '/pos';
  if (kind === 'kitchen') return '/kitchen';
  return '/setup';
}

const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: homeFor(loadCredentials()?.kind ?? null) });
  },
});

const setupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/setup',
  component: lazyRouteComponent(() => import('./routes/setup/SetupPage'), 'SetupPage'),
});
const posRoute = createRoute({ getParentRoute: () => rootRoute, path: '/pos', component: lazyRouteComponent(() => import('./routes/pos/PosPage'), 'PosPage') });
const kitchenRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/kitchen',
  component: lazyRouteComponent(() => import('./routes/kitchen/KitchenPage'), 'KitchenPage'),
});
const readyRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/kitchen/ready',
  component: lazyRouteComponent(() => import('./routes/kitchen/ReadyPage'), 'ReadyPage'),
});
const officeRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/office',
  component: lazyRouteComponent(() => import('./routes/office/OfficePage'), 'OfficePage'),
});
// The back-office owns everything under /office.
const officeSplat = createRoute({
  getParentRoute: () => rootRoute,
  path: '/office/$',
  component: lazyRouteComponent(() => import('./routes/office/OfficePage'), 'OfficePage'),
});

const routeTree = rootRoute.addChildren([indexRoute, setupRoute, posRoute, kitchenRoute, readyRoute, officeRoute, officeSplat]);

export const router = createRouter({ routeTree, defaultPreload: false });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
