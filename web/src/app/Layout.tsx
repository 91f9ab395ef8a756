import { useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from "react";
import { Link, NavLink, Outlet, useLocation } from "react-router-dom";
import { useAuth } from "@/lib/auth";
import { useLiveStatus } from "@/lib/live";
import { Icon, type IconName } from "@/components/icons";
import { UploadIndicator } from "@/features/upload";
import { ThemeToggle } from "@/components/ThemeToggle";

const NAV: { to: string; label: string; icon: IconName }[] = [
  { to: "/", label: "Feed", icon: "play" },
  { to: "/browse", label: "Browse", icon: "grid" },
  { to: "/upload", label: "Upload", icon: "upload" },
  { to: "/library", label: "Library", icon: "library" },
  { to: "/albums", label: "Albums", icon: "folder" },
];

// Phones: labelled tabs along the bottom, within thumb reach; wider screens: the top bar.
function navClass({ isActive }: { isActive: boolean }) {
  return `flex items-center gap-1.5 rounded-lg px-3 py-2 text-sm font-medium transition max-sm:flex-1 max-sm:flex-col max-sm:gap-0.5 max-sm:rounded-none max-sm:px-1 max-sm:py-1.5 max-sm:text-[11px] ${
    isActive
      ? "bg-zinc-900 text-white dark:bg-white dark:text-zinc-900 max-sm:bg-transparent max-sm:text-brand-600 dark:max-sm:bg-transparent dark:max-sm:text-white"
      : "text-zinc-600 hover:bg-zinc-200 dark:text-zinc-300 dark:hover:bg-zinc-800"
  }`;
}

function UserMenu() {
  const { user, signOut } = useAuth();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const location = useLocation();
  useEffect(() => setOpen(false), [location.pathname]);
  // A menu takes focus when it opens and gives it back to its button on Escape.
  useEffect(() => { if (open) menu.current?.querySelector<HTMLElement>("[role=menuitem]")?.focus(); }, [open]);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => ref.current && !ref.current.contains(e.target as Node) && setOpen(false);
    const esc = (e: KeyboardEvent) => { if (e.key === "Escape") { setOpen(false); button.current?.focus(); } };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", esc);
    return () => { document.removeEventListener("mousedown", close); document.removeEventListener("keydown", esc); };
  }, [open]);
  if (!user) return null;

  function onMenuKey(e: ReactKeyboardEvent<HTMLDivElement>) {
    const items = [...e.currentTarget.querySelectorAll<HTMLElement>("[role=menuitem]")];
    const at = items.indexOf(document.activeElement as HTMLElement);
    const to = ({ ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 } as Record<string, number>)[e.key];
    if (to === undefined) return;
    e.preventDefault();
    items[(to + items.length) % items.length].focus();
  }

  return (
    <div className="relative" ref={ref}>
      <button
        ref={button}
        type="button"
        className="flex h-9 w-9 items-center justify-center rounded-full bg-brand-500 text-sm font-semibold uppercase text-white"
        aria-label={`Account menu for ${user.username}`}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        {user.username.slice(0, 1)}
      </button>
      {open && (
        <div role="menu" ref={menu} onKeyDown={onMenuKey} aria-label={`Account of ${user.username}`} className="card absolute right-0 z-50 mt-2 w-56 overflow-hidden py-1 text-sm">
          <div className="px-4 py-2 text-zinc-600 dark:text-zinc-400">Signed in as <strong className="text-zinc-900 dark:text-zinc-100">{user.username}</strong></div>
          <Link role="menuitem" className="block px-4 py-2 hover:bg-zinc-100 dark:hover:bg-zinc-800" to={`/u/${encodeURIComponent(user.username)}`}>My profile</Link>
          <Link role="menuitem" className="block px-4 py-2 hover:bg-zinc-100 dark:hover:bg-zinc-800" to="/favourites">Favourites</Link>
          <Link role="menuitem" className="block px-4 py-2 hover:bg-zinc-100 dark:hover:bg-zinc-800" to="/later">Watch later</Link>
          <Link role="menuitem" className="block px-4 py-2 hover:bg-zinc-100 dark:hover:bg-zinc-800" to="/account/password">Change password</Link>
          <Link role="menuitem" className="block px-4 py-2 hover:bg-zinc-100 dark:hover:bg-zinc-800" to="/shares">My shared links</Link>
          <button role="menuitem" className="block w-full px-4 py-2 text-left hover:bg-zinc-100 dark:hover:bg-zinc-800" onClick={() => signOut()}>Sign out</button>
        </div>
      )}
    </div>
  );
}

/** Says when the live connection dropped, and briefly when it is back. */
function LiveBanner() {
  const status = useLiveStatus();
  const [showBack, setShowBack] = useState(false);
  const prev = useRef(status);
  useEffect(() => {
    if (prev.current === "lost" && status === "open") {
      setShowBack(true);
      const t = setTimeout(() => setShowBack(false), 3000);
      prev.current = status;
      return () => clearTimeout(t);
    }
    prev.current = status;
  }, [status]);
  if (status === "lost") {
    return <div role="status" className="bg-amber-500 px-4 py-1.5 text-center text-sm font-medium text-black">Live updates paused — reconnecting…</div>;
  }
  if (showBack) {
    return <div role="status" className="bg-emerald-600 px-4 py-1.5 text-center text-sm font-medium text-white">Live updates are back.</div>;
  }
  return null;
}

export function Layout() {
  const { user } = useAuth();
  const nav = user?.role === "admin" ? [...NAV, { to: "/admin", label: "Admin", icon: "gear" as IconName }] : NAV;
  return (
    <div className="flex h-full flex-col">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:z-50 focus:bg-white focus:p-2">Skip to content</a>
      {/* No backdrop filter on phones: it would pin the fixed bottom tabs to the header. */}
      <header className="z-40 border-b border-zinc-200 bg-white/90 sm:backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/90">
        <div className="mx-auto flex h-14 max-w-7xl items-center gap-2 px-3 sm:px-4">
          <Link to="/" className="mr-2 flex items-center gap-2 text-lg font-bold tracking-tight" aria-label="Clipset home">
            <span className="grid h-7 w-7 place-items-center rounded-lg bg-brand-500 text-white"><Icon name="play" className="h-4 w-4" /></span>
            <span className="hidden sm:inline">Clipset</span>
          </Link>
          <nav aria-label="Main" className="no-scrollbar flex flex-1 items-center gap-1 overflow-x-auto max-sm:fixed max-sm:inset-x-0 max-sm:bottom-0 max-sm:z-40 max-sm:h-14 max-sm:gap-0 max-sm:border-t max-sm:border-zinc-200 max-sm:bg-white max-sm:pb-[env(safe-area-inset-bottom)] dark:max-sm:border-zinc-800 dark:max-sm:bg-zinc-950">
            {nav.map((n) => (
              <NavLink key={n.to} to={n.to} end={n.to === "/"} className={navClass}>
                <Icon name={n.icon} className="h-5 w-5 sm:hidden" />
                <span>{n.label}</span>
              </NavLink>
            ))}
          </nav>
          <span className="flex-1 sm:hidden" aria-hidden="true" />
          <UploadIndicator />
          <ThemeToggle />
          <UserMenu />
        </div>
      </header>
      <LiveBanner />
      <main id="main" className="min-h-0 flex-1 overflow-y-auto max-sm:pb-[calc(3.5rem+env(safe-area-inset-bottom))]">
        <Outlet />
      </main>
    </div>
  );
}
