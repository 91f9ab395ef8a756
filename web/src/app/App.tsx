import { Suspense, useEffect, type ReactNode } from "react";
import { Navigate, Route, Routes, useLocation } from "react-router-dom";
import { useQueryClient } from "@tanstack/react-query";
import { useSetup } from "@/lib/queries";
import { AuthProvider, useAuth } from "@/lib/auth";
import { LiveProvider } from "@/lib/live";
import { ToastProvider } from "@/lib/toast";
import { UploadProvider } from "@/features/upload";
import { Layout } from "./Layout";
import { NotFound } from "@/components/NotFound";
import { RouteErrorBoundary } from "./RouteErrorBoundary";
import { lazyPage } from "./lazyPage";
import { pages, preloadDataOf, preloadPageOf } from "./preload";
import { ErrorState, Spinner } from "@/components/ui";
import { ChangePasswordPage, LoginPage, RegisterPage, SetupPage } from "@/features/auth/auth";

const FeedPage = lazyPage(pages.feed);
const UploadPage = lazyPage(pages.upload);
const VideoPage = lazyPage(pages.video);
const BrowsePage = lazyPage(pages.browse);
const ProfilePage = lazyPage(pages.profile);
const LibraryPage = lazyPage(pages.library);
const AdminArea = lazyPage(pages.admin);
const AlbumsPage = lazyPage(pages.albums);
const AlbumPage = lazyPage(pages.album);
const SavedPage = lazyPage(pages.saved);
const GuestPage = lazyPage(pages.guest);
const MySharesPage = lazyPage(pages.shares);

function Centered({ children }: { children: ReactNode }) {
  return <div className="flex h-full items-center justify-center p-8">{children}</div>;
}

/** Signed-in screens; others go to sign-in (or first-run setup) and come back after. */
function RequireUser({ children }: { children: ReactNode }) {
  const { user, loading } = useAuth();
  const location = useLocation();
  if (loading) return <Centered><Spinner /></Centered>;
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}

function RequireAdmin({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  if (user?.role !== "admin") {
    return (
      <div role="alert" className="mx-auto my-16 max-w-md px-6 text-center" data-testid="not-allowed">
        <h1 className="mb-2 text-2xl font-bold">Not allowed</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Only an admin can see this page. Ask whoever runs this Clipset if something needs changing.</p>
      </div>
    );
  }
  return <>{children}</>;
}

function Routed() {
  const { user } = useAuth();
  const setup = useSetup();
  const location = useLocation();
  if (setup.isLoading) return <Centered><Spinner /></Centered>;
  if (setup.error) return <ErrorState error={setup.error} retry={() => setup.refetch()} />;
  if (setup.data?.needs_setup && location.pathname !== "/setup") return <Navigate to="/setup" replace />;

  const page = (el: ReactNode) => <RouteErrorBoundary><Suspense fallback={<Centered><Spinner /></Centered>}>{el}</Suspense></RouteErrorBoundary>;
  return (
    <Routes>
      <Route path="/setup" element={setup.data?.needs_setup ? <SetupPage /> : <Navigate to="/" replace />} />
      <Route path="/login" element={user ? <Navigate to="/" replace /> : <LoginPage />} />
      <Route path="/register" element={user ? <Navigate to="/" replace /> : <RegisterPage />} />
      <Route element={<RequireUser><Layout /></RequireUser>}>
        <Route index element={page(<FeedPage />)} />
        <Route path="browse" element={page(<BrowsePage />)} />
        <Route path="c/:slug" element={page(<BrowsePage />)} />
        <Route path="upload" element={page(<UploadPage />)} />
        <Route path="library" element={page(<LibraryPage />)} />
        <Route path="shares" element={page(<MySharesPage />)} />
        <Route path="v/:id" element={page(<VideoPage />)} />
        <Route path="u/:username" element={page(<ProfilePage />)} />
        <Route path="albums" element={page(<AlbumsPage />)} />
        <Route path="albums/:id" element={page(<AlbumPage />)} />
        <Route path="favourites" element={page(<SavedPage list="favourites" />)} />
        <Route path="later" element={page(<SavedPage list="later" />)} />
        <Route path="account/password" element={<ChangePasswordPage />} />
        <Route path="admin/*" element={<RequireAdmin>{page(<AdminArea />)}</RequireAdmin>} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

/** A guest link's page stands alone: no sign-in, no setup check, nothing of the household. */
function GuestOrApp() {
  const location = useLocation();
  if (location.pathname.startsWith("/s/")) {
    return (
      <Routes>
        <Route path="/s/:token" element={<RouteErrorBoundary><Suspense fallback={<Centered><Spinner /></Centered>}><GuestPage /></Suspense></RouteErrorBoundary>} />
        <Route path="*" element={<NotFound />} />
      </Routes>
    );
  }
  return <Routed />;
}

export function App() {
  const queryClient = useQueryClient();
  useEffect(() => {
    preloadPageOf(window.location.pathname);
    preloadDataOf(window.location.pathname, queryClient);
  }, [queryClient]);
  return (
    <ToastProvider>
      <AuthProvider>
        <LiveProvider>
          <UploadProvider>
            <GuestOrApp />
          </UploadProvider>
        </LiveProvider>
      </AuthProvider>
    </ToastProvider>
  );
}
