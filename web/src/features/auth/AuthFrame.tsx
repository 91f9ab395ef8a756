import { Icon } from "@/components/icons";
import { ThemeToggle } from "@/components/ThemeToggle";

/** The page frame for signed-out screens (setup, login, register). */
export function AuthFrame({ title, subtitle, children }: { title: string; subtitle?: string; children: React.ReactNode }) {
  return (
    <main className="flex min-h-full items-center justify-center px-4 py-10">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex flex-col items-center gap-2 text-center">
          <span className="grid h-12 w-12 place-items-center rounded-2xl bg-brand-500 text-white"><Icon name="play" className="h-6 w-6" /></span>
          <h1 className="text-2xl font-bold">{title}</h1>
          {subtitle && <p className="text-sm text-zinc-600 dark:text-zinc-400">{subtitle}</p>}
        </div>
        <div className="card p-6">{children}</div>
      </div>
      <div className="fixed right-3 top-3"><ThemeToggle /></div>
    </main>
  );
}
