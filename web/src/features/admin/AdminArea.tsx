// The admin area: a sub-navigation and one screen per task. Only admins get here (App's
// RequireAdmin); every call behind it is admin-only on the server too.
import { NavLink, Navigate, Route, Routes } from "react-router-dom";
import { ErrorState } from "@/components/ui";
import Dashboard from "./Dashboard";
import Users from "./Users";
import Invitations from "./Invitations";
import Categories from "./Categories";
import Settings from "./Settings";
import QueuePage from "./Queue";
import Workers from "./Workers";

const TABS = [
  { to: "", label: "Dashboard" },
  { to: "users", label: "Users" },
  { to: "invitations", label: "Invitations" },
  { to: "categories", label: "Categories" },
  { to: "settings", label: "Settings" },
  { to: "queue", label: "Queue" },
  { to: "workers", label: "Workers" },
];

function tabClass({ isActive }: { isActive: boolean }) {
  return `whitespace-nowrap rounded-lg px-3 py-1.5 text-sm font-medium transition focus-visible:outline-2 focus-visible:outline-brand-500 ${
    isActive ? "bg-brand-500 text-white" : "text-zinc-600 hover:bg-zinc-200 dark:text-zinc-300 dark:hover:bg-zinc-800"
  }`;
}

export default function AdminArea() {
  return (
    <div className="mx-auto max-w-6xl px-3 py-4 sm:px-4 sm:py-6">
      <div className="mb-4 flex flex-wrap items-center gap-x-4 gap-y-2">
        <h1 className="text-2xl font-bold">Admin</h1>
        <nav aria-label="Admin" className="no-scrollbar -mx-1 flex max-w-full gap-1 overflow-x-auto px-1">
          {TABS.map((t) => <NavLink key={t.label} to={t.to ? `/admin/${t.to}` : "/admin"} end className={tabClass}>{t.label}</NavLink>)}
        </nav>
      </div>
      <Routes>
        <Route index element={<Dashboard />} />
        <Route path="users" element={<Users />} />
        <Route path="invitations" element={<Invitations />} />
        <Route path="categories" element={<Categories />} />
        <Route path="settings" element={<Settings />} />
        <Route path="queue" element={<QueuePage />} />
        <Route path="workers" element={<Workers />} />
        <Route path="dashboard" element={<Navigate to="/admin" replace />} />
        <Route path="*" element={<ErrorState error={new Error("There's no admin page at this address.")} />} />
      </Routes>
    </div>
  );
}

