import { startTransition, StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { BrowserRouter } from "react-router-dom";
import { ApiError } from "@/lib/api";
import { applyTheme, watchSystemTheme } from "@/lib/theme";
import { App } from "@/app/App";
import { whenIdle } from "@/lib/nextTask";
import "./index.css";

applyTheme();
watchSystemTheme();

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      // Retry network trouble and 5xx, never answers that will not change (4xx).
      retry: (count, err) => count < 2 && !(err instanceof ApiError && err.status >= 400 && err.status < 500),
    },
  },
});

// Browsers allow a service worker only in a secure context (HTTPS or this computer);
// on a plain-http LAN address the app simply works without one.
if ("serviceWorker" in navigator && window.isSecureContext && import.meta.env.PROD) {
  // Registered once the page has loaded and the browser is idle: the worker's own start-up
  // (and its caching of the shell) must not compete with the first screen.
  window.addEventListener("load", () => whenIdle(() => { navigator.serviceWorker.register("/sw.js").catch(() => undefined); }));
}

// A transition lets React yield to the browser while it builds the first screen.
const root = createRoot(document.getElementById("root")!);
startTransition(() => root.render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
));
